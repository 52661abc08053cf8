import { z } from 'zod';

const weight = z.number().finite();
const positive = z.number().finite().positive();
/** Per-asset band overrides: `bands: { ETH: 0.08 }`. */
const bands = z.record(z.string(), positive).optional();
export const periodSchema = z.enum(['day', 'week', 'month', 'quarter']);

export const calendarTrigger = z.strictObject({ type: z.literal('calendar'), period: periodSchema });
export const bandTrigger = z.strictObject({ type: z.literal('band'), band: positive, bands });
export const relbandTrigger = z.strictObject({ type: z.literal('relband'), band: positive, bands });
export const hybridTrigger = z.strictObject({
  type: z.literal('hybrid'),
  period: periodSchema,
  band: positive,
  bands,
});
export const volAdaptiveTrigger = z
  .strictObject({
    type: z.literal('voladaptive'),
    base: positive,
    exponent: weight.default(-1),
    lambda: z.number().gt(0).lt(1).default(0.94),
    warmup: z.number().int().min(2).default(20),
    min: z.number().finite().nonnegative().default(0),
    max: positive.default(1),
  })
  .refine((t) => t.min <= t.max, { message: 'min must not exceed max', path: ['min'] });
export const costAwareTrigger = z.strictObject({
  type: z.literal('costaware'),
  riskAversion: positive.default(1),
  horizon: positive.default(30),
  lambda: z.number().gt(0).lt(1).default(0.94),
  /** Bars of returns whose sample covariance seeds the EWMA covariance; no trade before then. */
  warmup: z.number().int().min(2).default(20),
});

export const triggerSchema = z.discriminatedUnion('type', [
  calendarTrigger,
  bandTrigger,
  relbandTrigger,
  hybridTrigger,
  volAdaptiveTrigger,
  costAwareTrigger,
]);

export type Period = z.infer<typeof periodSchema>;
export type TriggerConfig = z.infer<typeof triggerSchema>;
