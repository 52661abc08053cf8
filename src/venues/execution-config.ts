/**
 * The execution fields every venue's config accepts (`orderType`, `maxChunkNotional`, `limit`), and the
 * check that refuses one the chosen venue cannot honour (src/venues/capabilities.ts): a portfolio never
 * runs with a setting that is silently dropped.
 */
import { z } from 'zod';
import { InputError } from '../core/errors.ts';
import type { VenueCapabilities } from './capabilities.ts';
import type { Strategy } from './ccxt/execution.ts';

export const limitSettingsSchema = z.strictObject({
  /** Re-peg a resting limit to the new touch after this long (ms). */
  repegMs: z.number().int().positive().default(10_000),
  /** Give up on a chunk after this long (ms): cancel the rest, or send it at market. */
  timeoutMs: z.number().int().positive().default(60_000),
  onTimeout: z.enum(['cancel', 'market']).default('cancel'),
  /** How often a resting order is looked up (ms; default min(250, repegMs)). */
  pollMs: z.number().int().positive().optional(),
});

/** Spread into each venue's schema. */
export const executionFields = {
  /** `market` (the default), or `limit`: at the touch, re-pegged, canceled (or sent at market) at the timeout. */
  orderType: z.enum(['market', 'limit']).optional(),
  /** Orders above this notional (quote units) are split into equal child orders. */
  maxChunkNotional: z.number().finite().positive().optional(),
  /** Re-peg and timeout of `orderType: limit`. */
  limit: limitSettingsSchema.optional(),
};

export interface ExecutionSettings {
  readonly orderType?: 'market' | 'limit' | undefined;
  readonly maxChunkNotional?: number | undefined;
  readonly limit?: z.output<typeof limitSettingsSchema> | undefined;
}

/** The execution strategy a config asks for (src/venues/ccxt/execution.ts runs it). */
export function strategyOf(s: ExecutionSettings): Strategy {
  if (s.orderType !== 'limit') return { kind: 'market' };
  const l = s.limit ?? limitSettingsSchema.parse({});
  return {
    kind: 'limit',
    repegMs: l.repegMs,
    timeoutMs: l.timeoutMs,
    onTimeout: l.onTimeout,
    ...(l.pollMs === undefined ? {} : { pollMs: l.pollMs }),
  };
}

/**
 * Refuses execution fields the venue cannot honour: one line naming the field, e.g.
 * `service: portfolios.main.venue.orderType: limit orders are not supported by the paper venue; use orderType: market`.
 */
export function checkExecutionFields(
  s: ExecutionSettings,
  caps: VenueCapabilities,
  where: { source: string; path: string; venue: string },
): void {
  const refuse = (field: string, message: string): never => {
    throw InputError.one(where.source, `${where.path}.${field}`, message);
  };
  if (s.orderType === 'limit' && !(caps.limitOrders && caps.cancel))
    refuse('orderType', `${where.venue} cannot rest and cancel limit orders; use orderType: market`);
  if (s.limit !== undefined && s.orderType !== 'limit')
    refuse('limit', 'applies to orderType: limit only; set orderType: limit or remove limit');
  if (s.maxChunkNotional !== undefined && !caps.childOrders)
    refuse('maxChunkNotional', `${where.venue} cannot split orders into child orders; remove maxChunkNotional`);
}
