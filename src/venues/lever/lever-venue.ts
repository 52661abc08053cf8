/**
 * The lever venue (issue #23): the core's Venue port over a lending position (one or several collateral assets
 * backing one or several debt assets on an Aave v3 market, rebalanced by a BallastLeverage contract through a flash loan). The chain
 * work is the keeper's (src/chain/lending/lever-keeper.ts, a sibling layer): the service builds it and passes
 * it in, as for the basket.
 *
 * - balances: the position as the core sees it (src/core/lending/position-venue.ts `positionHoldings`): the
 *   owner's equity in the collateral (net exposure) and the debt, so the debt's weight is the LTV; prices: the
 *   collateral in the debt asset at the oracles the plan validated, timed by the older feed's age.
 * - `position()`: the last read (LTV, health factor, the flash fee of the cheapest lender read now), which the
 *   runner turns into the plan's cost (flashFeeCost) and the health-floor override.
 * - `placeBatch`, `settleUnfinished` (src/core/atomic-batch.ts): the keeper's. `place` refuses: see it.
 */
import type { BatchOutcome, BatchRequest, SettleReport } from '../../core/atomic-batch.ts';
import {
  type LendingCycleView,
  type LendingPositionVenue,
  positionHoldings,
} from '../../core/lending/position-venue.ts';
import {
  type Balances,
  type Clock,
  type MarketRules,
  OrderRejectedError,
  type OrderRequest,
  type OrderState,
  type PriceQuote,
} from '../../core/ports.ts';

export interface LeverRead {
  readonly view: LendingCycleView;
  /** The collateral's price in the debt asset. */
  readonly collateralPrice: number;
  /** Age of the older of the two feeds, seconds at the head block. */
  readonly priceAgeSec: number;
}

/** What the venue asks of the keeper. */
export interface LeverKeeperPort {
  read(): Promise<LeverRead>;
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

export class LeverVenue implements LendingPositionVenue {
  readonly atomicBatch = true as const;
  readonly lendingPosition = true as const;
  private last: LendingCycleView | null = null;
  /** The read `balances()` started, shared with the `prices()` call of the same observation. */
  private pending: Promise<LeverRead> | null = null;

  /** The quote (the first debt asset) and every other asset of the position, priced in it. */
  readonly debt: string;
  private readonly priced: readonly string[];

  constructor(
    readonly name: string,
    readonly keeper: LeverKeeperPort,
    private readonly clock: Clock,
    collateral: string | readonly string[],
    debt: string | readonly string[],
  ) {
    const cs = typeof collateral === 'string' ? [collateral] : [...collateral];
    const ds = typeof debt === 'string' ? [debt] : [...debt];
    this.debt = ds[0] as string;
    this.priced = [...cs, ...ds.slice(1)];
  }

  /** An asset's price in the quote from a read: the collateral's (one asset) or the view's (several). */
  private priceOf(r: LeverRead, a: string): number | undefined {
    if (r.view.assets !== undefined) return r.view.assets.find((x) => x.symbol === a)?.price;
    return a === r.view.collateral ? r.collateralPrice : undefined;
  }

  position(): LendingCycleView | null {
    return this.last;
  }

  private async take(): Promise<LeverRead> {
    const p = this.pending ?? this.keeper.read();
    this.pending = null;
    const r = await p;
    this.last = r.view;
    return r;
  }

  async balances(): Promise<Balances> {
    const p = this.keeper.read();
    this.pending = p;
    const r = await p;
    this.last = r.view;
    return positionHoldings(r.view, r.collateralPrice);
  }

  async prices(assets: readonly string[], quote: string): Promise<PriceQuote[]> {
    const r = await this.take();
    if (quote !== this.debt) return [];
    const time = this.clock.now() - r.priceAgeSec * 1000;
    return assets.flatMap((a) => {
      const price = this.priced.includes(a) ? this.priceOf(r, a) : undefined;
      return price === undefined ? [] : [{ asset: a, price, time, source: this.name }];
    });
  }

  async rules(assets: readonly string[], quote: string): Promise<MarketRules[]> {
    if (quote !== this.debt) return [];
    return assets.flatMap((asset) =>
      this.priced.includes(asset) ? [{ asset, lotStep: 0, minNotional: 0, minQuantity: 0, tickSize: 0 }] : [],
    );
  }

  /**
   * Refused: a lending position moves only as one flash-loan transaction (repay + withdraw + sell, or supply +
   * borrow + buy) whose health factor the contract checks at the end; an order of its own has no meaning. The
   * gate sends a cycle's decision through `placeBatch` instead. Nothing is sent.
   */
  async place(o: OrderRequest): Promise<OrderState> {
    throw new OrderRejectedError(
      o.clientOrderId,
      'the lever venue moves a lending position as one flash-loan transaction (placeBatch through the gate), never a single order: the contract checks the health factor after the whole rebalance',
    );
  }

  /** A lending position never holds single orders: every client order id is not_found. */
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
