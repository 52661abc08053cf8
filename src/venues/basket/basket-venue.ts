/**
 * The basket venue (issue #21 item 2): the core's Venue port over a basket keeper that is passed in (the chain
 * layer's `BasketKeeper`, src/chain/basket/keeper.ts, is a sibling of this layer: the service builds it).
 *
 * - balances, prices: the keeper's (the basket's own balances and feeds); rules: every basket asset against the
 *   quote, no lots and no minimum.
 * - `placeBatch`, `settleUnfinished` (src/core/atomic-batch.ts): the keeper's; the gate sends a cycle's
 *   trades through `placeBatch` in one call, the runner settles unfinished transactions before each cycle.
 * - `place` refuses, `lookup` and `cancel` answer not_found: see `place`.
 */
import type { AtomicBatchVenue, BatchOutcome, BatchRequest, SettleReport } from '../../core/atomic-batch.ts';
import {
  type Balances,
  type MarketRules,
  OrderRejectedError,
  type OrderRequest,
  type OrderState,
  type PriceQuote,
} from '../../core/ports.ts';

/** What the venue asks of the keeper. */
export interface Keeper {
  assets(): Promise<readonly { readonly symbol: string }[]>;
  balances(): Promise<Balances>;
  prices(assets: readonly string[], quote: string): Promise<PriceQuote[]>;
  placeBatch(request: BatchRequest): Promise<BatchOutcome>;
  settleUnfinished(portfolioId: string): Promise<SettleReport>;
}

const notFound = (clientOrderId: string): OrderState => ({
  clientOrderId,
  status: 'not_found',
  filledQuantity: 0,
  averagePrice: 0,
  fills: [],
});

export class BasketVenue implements AtomicBatchVenue {
  readonly atomicBatch = true as const;

  constructor(
    readonly name: string,
    readonly keeper: Keeper,
  ) {}

  balances(): Promise<Balances> {
    return this.keeper.balances();
  }

  prices(assets: readonly string[], quote: string): Promise<PriceQuote[]> {
    return this.keeper.prices(assets, quote);
  }

  async rules(assets: readonly string[], quote: string): Promise<MarketRules[]> {
    const all = await this.keeper.assets();
    if (!all.some((a) => a.symbol === quote)) return [];
    return assets.flatMap((asset) =>
      asset !== quote && all.some((a) => a.symbol === asset)
        ? [{ asset, lotStep: 0, minNotional: 0, minQuantity: 0, tickSize: 0 }]
        : [],
    );
  }

  /**
   * Refused: a basket trades only whole rebalances. The contract checks the drift over all legs of one call
   * and allows one rebalance per `minInterval`, so orders sent one by one would be refused after the first.
   * The gate sends a cycle's trades through `placeBatch` instead. Nothing is sent.
   */
  async place(o: OrderRequest): Promise<OrderState> {
    throw new OrderRejectedError(
      o.clientOrderId,
      'the basket venue trades a whole rebalance as one transaction (placeBatch through the gate), never a single order: the contract checks drift over all legs together and allows one rebalance per minInterval',
    );
  }

  /** A basket never holds single orders: every client order id is not_found. */
  async lookup(clientOrderId: string): Promise<OrderState> {
    return notFound(clientOrderId);
  }

  async cancel(clientOrderId: string): Promise<OrderState> {
    return notFound(clientOrderId);
  }

  placeBatch(request: BatchRequest): Promise<BatchOutcome> {
    return this.keeper.placeBatch(request);
  }

  settleUnfinished(portfolioId: string): Promise<SettleReport> {
    return this.keeper.settleUnfinished(portfolioId);
  }
}
