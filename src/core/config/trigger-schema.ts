import { z } from 'zod';

const weight = z.number().finite();
const positive = z.number().finite().positive();
/** An absolute band is a fraction of weight (0.05 = 5 points): > 0 and < 1 (a weight moves at most 1). */
const band = positive.lt(1, 'must be < 1: a band is a fraction (0.05 = 5 points), not a percentage');
/** Per-asset band overrides: `bands: { ETH: 0.08 }`. */
const bands = z.record(z.string(), band).optional();
/** A relative band (0.25 = 25% of the target weight) may exceed 1. */
const relBands = z.record(z.string(), positive).optional();
export const periodSchema = z.enum(['day', 'week', 'month', 'quarter']);

export const calendarTrigger = z.strictObject({ type: z.literal('calendar'), period: periodSchema });
export const bandTrigger = z.strictObject({ type: z.literal('band'), band, bands });
export const relbandTrigger = z.strictObject({ type: z.literal('relband'), band: positive, bands: relBands });
export const hybridTrigger = z.strictObject({
  type: z.literal('hybrid'),
  period: periodSchema,
  band,
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

/** Bands from theory on forecast volatility (issue #27, docs/bands.md). */
export const optbandTrigger = z.strictObject({
  type: z.literal('optband'),
  /** κ: tracking penalty (κ/2)·(w − w*)² per year, against the cost c per unit of weight traded. */
  kappa: positive.default(1),
  /** The variance forecaster (docs/forecasts.md). */
  vol: z.enum(['ewma', 'garch', 'har', 'hmm']).default('ewma'),
  /** Refit garch, har and hmm every this many returns on the expanding window (0 = fit once). */
  refitEvery: z.number().int().min(0).default(20),
  /** λ and warm-up of the EWMA covariance whose correlations combine the forecasts. */
  lambda: z.number().gt(0).lt(1).default(0.94),
  warmup: z.number().int().min(2).default(20),
  /** Bars in a year: s² is forecast per bar and κ is per year. */
  barsPerYear: positive.default(365),
  /** Fixed cost of one rebalance in the quote (gas of one batch), on top of costs.fixedPerOrder per order. */
  fixedCost: z.number().finite().nonnegative().default(0),
});

export const triggerSchema = z.discriminatedUnion('type', [
  calendarTrigger,
  bandTrigger,
  relbandTrigger,
  hybridTrigger,
  volAdaptiveTrigger,
  costAwareTrigger,
  optbandTrigger,
]);

export type Period = z.infer<typeof periodSchema>;
export type TriggerConfig = z.infer<typeof triggerSchema>;
export type OptbandConfig = z.infer<typeof optbandTrigger>;
