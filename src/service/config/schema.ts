import { z } from 'zod';
import { portfolioSchema } from '../../core/config/schema.ts';
import { basketVenueSchema } from '../../venues/basket/config.ts';
import { ccxtVenueSchema, publicPricesSchema } from '../../venues/ccxt/config.ts';
import { intentsVenueSchema } from '../../venues/intents/config.ts';
import { leverVenueSchema } from '../../venues/lever/config.ts';
import { paperVenueSchema } from '../../venues/paper/config.ts';
import { solverSchema } from './solver-schema.ts';

/** Each venue owns its config schema (src/venues/<name>/config.ts); the service's is their union. */
export {
  basketVenueSchema,
  ccxtVenueSchema,
  intentsVenueSchema,
  leverVenueSchema,
  paperVenueSchema,
  publicPricesSchema,
};

const seconds = z.number().finite().nonnegative();

/** A duration: seconds, or a string like `90s`, `15m`, `4h`, `1d`. */
export const durationSchema = z.union([
  seconds,
  z.string().regex(/^\d+(\.\d+)?\s*(s|m|h|d)$/, 'expected a duration like 90s, 15m, 4h or 1d'),
]);

export function toSeconds(d: z.infer<typeof durationSchema>): number {
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(d)!;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export const guardsSchema = z.strictObject({
  maxPriceAgeSeconds: seconds.default(300),
  maxDeviationBps: seconds.default(100),
  maxSlippageBps: seconds.default(50),
  maxQuoteDepegBps: seconds.optional(),
});

export const riskSchema = z.strictObject({
  /** No single order above this notional (in the quote) is sent; it is skipped with the reason. */
  maxOrderNotional: z.number().finite().positive().optional(),
  /** Minimum time between two rebalances. */
  cooldown: durationSchema.default(0),
  /** Pause the portfolio after this many consecutive failed cycles. */
  killSwitchAfter: z.number().int().positive().default(3),
  /** Plans whose total notional exceeds this wait for approval through the API (alert sent). */
  approvalAbove: z.number().finite().positive().optional(),
});

export const venueSchema = z.discriminatedUnion('type', [
  paperVenueSchema,
  ccxtVenueSchema,
  intentsVenueSchema,
  basketVenueSchema,
  leverVenueSchema,
]);

export const scheduleSchema = z.union([
  z.strictObject({ every: durationSchema }),
  z.strictObject({ cron: z.string().min(1) }),
]);

/** An independent price source for the deviation and depeg guards: another exchange's public prices. */
export const referenceSchema = publicPricesSchema;

export const servicePortfolioSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'expected 1–40 letters, digits, _ or -'),
  /** The portfolio: inline (the #2 schema) or a path to a portfolio file. */
  portfolio: z.union([z.string().min(1), portfolioSchema]),
  venue: z.union([z.literal('paper'), venueSchema]).default('paper'),
  /** Independent reference prices (required for live mode: the deviation guard needs two sources). */
  reference: referenceSchema.optional(),
  schedule: scheduleSchema.default({ every: '1h' }),
  mode: z.enum(['dry-run', 'live']).default('dry-run'),
  planMode: z.enum(['full', 'edge', 'auto']).default('full'),
  guards: guardsSchema.default({ maxPriceAgeSeconds: 300, maxDeviationBps: 100, maxSlippageBps: 50 }),
  risk: riskSchema.default({ cooldown: 0, killSwitchAfter: 3 }),
});

export const apiSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
  /** Environment variable or file holding the bearer token. */
  tokenEnv: z.string().default('BALLAST_API_TOKEN'),
  tokenFile: z.string().optional(),
  /** Allowed CORS origins; none by default. */
  cors: z.array(z.string()).default([]),
  enabled: z.boolean().default(true),
});

export const alertsSchema = z.strictObject({
  webhook: z.string().url().optional(),
});

export const serviceSchema = z.strictObject({
  journal: z.string().default('ballast.sqlite'),
  portfolios: z.array(servicePortfolioSchema).min(1),
  api: apiSchema.default({ host: '127.0.0.1', port: 8787, tokenEnv: 'BALLAST_API_TOKEN', cors: [], enabled: true }),
  alerts: alertsSchema.default({}),
  /** Solver mode (issue #24): the service also settles the local order book's orders (src/service/solver-loop.ts). */
  solver: solverSchema.optional(),
});

export type ServiceConfig = z.output<typeof serviceSchema>;
export type ServicePortfolioConfig = z.output<typeof servicePortfolioSchema>;
export type GuardsConfig = z.output<typeof guardsSchema>;
export type RiskConfig = z.output<typeof riskSchema>;
export type VenueConfig = z.output<typeof venueSchema>;
export type SolverConfig = z.output<typeof solverSchema>;
