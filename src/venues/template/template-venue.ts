/**
 * TEMPLATE: the skeleton of a new venue. Copy the folder, rename `Template`, and replace each marked
 * block by your venue's API calls (a DEX router, an intent solver, a basket endpoint …). The skeleton
 * works as it is (a fixed-price book in memory) so the venue contract passes from the first commit:
 * keep it passing while you replace the blocks.
 *
 * Rules every venue keeps (docs/journal.md):
 * - `place` throws OrderRejectedError only when the order certainly did not go out (a reason starting
 *   with `skipped:` for rules: lot, minimum notional), OrderOutcomeUnknownError when it may have.
 *   Never retry a create here.
 * - `lookup` by client order id answers `not_found` for an id the venue never saw.
 * - No `Date.now()`: time comes from the injected Clock.
 */
import {
  type Balances,
  type Clock,
  type MarketRules,
  OrderRejectedError,
  type OrderRequest,
  type OrderState,
  type PriceQuote,
  type Venue,
} from '../../core/ports.ts';
import { skipBelowMinimum, truncateToLot } from '../lot.ts';
import type { TemplateVenueSettings } from './config.ts';

/** What survives a restart of the process (the venue's side: on a real venue, the venue itself). */
export interface TemplateBook {
  readonly orders: Map<string, OrderState>;
  readonly balances: Map<string, number>;
}

export class TemplateVenue implements Venue {
  readonly name: string;

  constructor(
    private readonly c: TemplateVenueSettings,
    private readonly clock: Clock,
    readonly book: TemplateBook,
  ) {
    this.name = c.name;
  }

  // REPLACE: read the account's free balances from the venue.
  async balances(): Promise<Balances> {
    return Object.fromEntries(this.book.balances);
  }

  // REPLACE: the venue's prices, each with the time its source stamped it.
  async prices(assets: readonly string[], quote: string): Promise<PriceQuote[]> {
    if (quote !== this.c.quote) return [];
    return assets.flatMap((asset) => {
      const price = this.c.prices[asset];
      return price === undefined ? [] : [{ asset, price, time: this.clock.now(), source: this.name }];
    });
  }

  // REPLACE: the venue's market rules (lot step, minimums, tick).
  async rules(assets: readonly string[], quote: string): Promise<MarketRules[]> {
    if (quote !== this.c.quote) return [];
    return assets.flatMap((asset) =>
      this.c.prices[asset] === undefined ? [] : [{ asset, minQuantity: 0, tickSize: 0, ...this.c.rules[asset]! }],
    );
  }

  async place(o: OrderRequest): Promise<OrderState> {
    const [r] = await this.rules([o.asset], o.quote);
    if (r === undefined) throw new OrderRejectedError(o.clientOrderId, `${this.name} has no ${o.asset}/${o.quote}`);
    const quantity = truncateToLot(o.quantity, r.lotStep);
    const price = this.c.prices[o.asset]!;
    skipBelowMinimum(o.clientOrderId, r, quantity, price, o.quote);
    // REPLACE: send the order with o.clientOrderId; map the venue's answer (or its failure) as above.
    const sign = o.side === 'buy' ? 1 : -1;
    const b = this.book.balances;
    const fee = quantity * price * this.c.feeRate;
    b.set(o.asset, (b.get(o.asset) ?? 0) + sign * quantity);
    b.set(o.quote, (b.get(o.quote) ?? 0) - sign * quantity * price - fee);
    const fill = { tradeId: `${o.clientOrderId}-0`, quantity, price, fee, feeAsset: o.quote, time: this.clock.now() };
    const s: OrderState = {
      clientOrderId: o.clientOrderId,
      venueOrderId: o.clientOrderId,
      status: 'filled',
      filledQuantity: quantity,
      averagePrice: price,
      fills: [fill],
    };
    this.book.orders.set(o.clientOrderId, s);
    return s;
  }

  // REPLACE: look the order up by client order id at the venue.
  async lookup(clientOrderId: string): Promise<OrderState> {
    return (
      this.book.orders.get(clientOrderId) ?? {
        clientOrderId,
        status: 'not_found',
        filledQuantity: 0,
        averagePrice: 0,
        fills: [],
      }
    );
  }

  // REPLACE: cancel at the venue when it has resting orders (capabilities.cancel), then look it up.
  async cancel(clientOrderId: string): Promise<OrderState> {
    return this.lookup(clientOrderId);
  }
}
