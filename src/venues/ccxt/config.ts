/**
 * The ccxt venue's own config (its factory is ./factory.ts, loaded only when a ccxt venue is built): a service portfolio's `venue: { type: ccxt, … }` (the local
 * simulator is a ccxt venue with `url`), and the key-less public price source (`reference`, a paper
 * venue's `prices`). The service only dispatches on `type` to here.
 */
import { z } from 'zod';
import type { VenueCapabilities } from '../capabilities.ts';
import { executionFields } from '../execution-config.ts';
import { ccxtCapabilities } from './capabilities.ts';

/** A public (key-less) price source: a ccxt exchange's tickers, or the local simulator (`url`). */
export const publicPricesSchema = z.strictObject({
  type: z.literal('ccxt'),
  exchange: z.string().min(1),
  url: z.string().url().optional(),
});

export const ccxtVenueSchema = z.strictObject({
  type: z.literal('ccxt'),
  exchange: z.string().min(1),
  /** Environment variables holding the API key and secret (never the keys themselves). */
  apiKeyEnv: z.string().optional(),
  secretEnv: z.string().optional(),
  /** Or a JSON file `{ "apiKey": …, "secret": … }` the user names. */
  keyFile: z.string().optional(),
  /** Base URL override (e.g. the local simulator). */
  url: z.string().url().optional(),
  ...executionFields,
  /** HTTP timeout of one request (ms; ccxt's default 10000). A create that times out is "unknown". */
  timeoutMs: z.number().int().positive().optional(),
  /** The exchange's recvWindow (ms; default 5000); the not-placed rule waits at least max(this, 60 s). */
  recvWindowMs: z.number().int().positive().max(60_000).optional(),
});

export type CcxtVenueSettings = z.output<typeof ccxtVenueSchema>;
export type PublicPricesSettings = z.output<typeof publicPricesSchema>;

/** What this exchange supports, from the config alone (no network): the start-up check reads it. */
export function ccxtVenueCapabilities(c: Pick<CcxtVenueSettings, 'exchange'>): VenueCapabilities {
  return ccxtCapabilities(c.exchange);
}
