/**
 * The in-memory venue's config, capabilities and factory (tests, the venue contract, demos): an account
 * with balances and prices held in memory. It fills market orders at once; it has no resting limit orders
 * of its own and no touch, so `orderType: limit` and `maxChunkNotional` are refused for it.
 */
import { z } from 'zod';
import type { VenueCapabilities } from '../capabilities.ts';
import { executionFields } from '../execution-config.ts';
import { type MemoryBooks, MemoryVenue } from './memory-venue.ts';

const amount = z.number().finite().nonnegative();

export const memoryVenueSchema = z.strictObject({
  type: z.literal('memory'),
  name: z.string().min(1).default('memory'),
  quote: z.string().min(1),
  balances: z.record(z.string(), amount).default({}),
  prices: z.record(z.string(), z.number().finite().positive()),
  rules: z
    .record(
      z.string(),
      z.strictObject({
        lotStep: amount.default(0),
        minNotional: amount.default(0),
        minQuantity: amount.default(0),
        tickSize: amount.default(0),
      }),
    )
    .default({}),
  /** Fee per fill as a fraction of its notional, charged in the quote. Default 0.001. */
  feeRate: z.number().finite().nonnegative().max(0.1).default(0.001),
  ...executionFields,
});

export type MemoryVenueSettings = z.output<typeof memoryVenueSchema>;

export const memoryCapabilities: VenueCapabilities = {
  marketOrders: true,
  limitOrders: false,
  cancel: true,
  childOrders: false,
  lookupByClientId: true,
  fullOrderResponse: true,
  balancesInfoShape: 'generic',
  myTradesBySymbol: false,
};

/** A memory venue from its config; pass `books` of an earlier instance to model a restart. */
export function createMemoryVenue(c: MemoryVenueSettings, deps: { books?: MemoryBooks } = {}): MemoryVenue {
  return new MemoryVenue(
    c.name,
    { quote: c.quote, balances: c.balances, prices: c.prices, rules: c.rules, feeRate: c.feeRate },
    deps.books,
  );
}
