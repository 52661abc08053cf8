/**
 * The paper venue's own config, capabilities and factory. A paper account fills marketable orders at once
 * at its price source's price, so it has no resting limit orders and no child orders: `orderType: limit`
 * and `maxChunkNotional` are refused at start (src/venues/execution-config.ts), never silently dropped.
 */
import { z } from 'zod';
import type { Balances, Clock, MarketRules } from '../../core/ports.ts';
import type { PaperAccountPort } from '../../store/ports.ts';
import type { VenueCapabilities } from '../capabilities.ts';
import { publicPricesSchema } from '../ccxt/config.ts';
import { executionFields } from '../execution-config.ts';
import { type PaperCost, PaperVenue, type PriceSource } from './paper-venue.ts';

export const paperVenueSchema = z.strictObject({
  type: z.literal('paper'),
  /** Starting balances of a new paper account (ignored once the account exists in the journal). */
  initial: z.record(z.string(), z.number().finite().nonnegative()).default({}),
  /** Where the paper venue's prices come from (a moving market); `serve --replay` brings its own. */
  prices: publicPricesSchema.optional(),
  ...executionFields,
});

export type PaperVenueSettings = z.output<typeof paperVenueSchema>;

export const paperCapabilities: VenueCapabilities = {
  marketOrders: true,
  limitOrders: false,
  cancel: true,
  childOrders: false,
  lookupByClientId: true,
  fullOrderResponse: true,
  balancesInfoShape: 'generic',
  myTradesBySymbol: false,
};

export interface PaperDeps {
  /** The account's name in the journal (the portfolio id). */
  readonly account: string;
  /** The journal's paper accounts (the store's async port). */
  readonly accounts: PaperAccountPort;
  readonly feed: PriceSource;
  readonly cost: PaperCost;
  readonly clock: Clock;
  readonly rules?: ReadonlyMap<string, MarketRules>;
}

/** A paper venue on the journal's account `deps.account`, funded with `initial` the first time. */
export async function createPaperVenue(c: Pick<PaperVenueSettings, 'initial'>, deps: PaperDeps): Promise<PaperVenue> {
  const venue = new PaperVenue(
    `paper:${deps.account}`,
    deps.account,
    deps.accounts,
    deps.feed,
    deps.cost,
    () => deps.clock.now(),
    deps.rules,
  );
  await venue.fund(c.initial as Balances);
  return venue;
}
