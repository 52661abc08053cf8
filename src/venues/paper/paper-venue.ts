import type { Balances, MarketRules, OrderRequest, OrderState, PriceQuote, Venue } from '../../core/ports.ts';
import { OrderRejectedError } from '../../core/ports.ts';
import type { CashFlow } from '../../store/index.ts';
import type { PaperAccountPort } from '../../store/ports.ts';
import { skipBelowMinimum, truncateToLot } from '../lot.ts';
import { parsePriceQuotes } from '../replies.ts';

/** Where a venue without its own market data gets prices (a live feed, the replay's bar, a test). */
export interface PriceSource {
  prices(assets: readonly string[], quote: string): Promise<PriceQuote[]>;
  /** Assets the source can never price against `quote` (not in the replay file, not listed at the feed's exchange). */
  unlisted?(assets: readonly string[], quote: string): Promise<string[]>;
}

/** The paper venue's cost of one order (quote units): the portfolio's cost model, so fills match plans. */
export type PaperCost = (asset: string, notional: number, side: 'buy' | 'sell') => number;

/**
 * A paper venue: market orders fill at once at the source's current price, paying the cost model's cost
 * in the quote. Balances and orders live in the journal's SQLite file (one transaction per fill), so a
 * paper portfolio survives restarts and a crash between the fill and its acknowledgement is resolved by
 * lookup(), exactly as on a real exchange.
 */
export class PaperVenue implements Venue {
  constructor(
    readonly name: string,
    private readonly account: string,
    private readonly accounts: PaperAccountPort,
    private readonly source: PriceSource,
    private readonly cost: PaperCost,
    private readonly now: () => number,
    private readonly rulesByAsset: ReadonlyMap<string, MarketRules> = new Map(),
  ) {}

  /** Seeds a new account once; an existing account keeps its balances. */
  async fund(initial: Balances): Promise<void> {
    if (!(await this.accounts.exists(this.account))) await this.accounts.set(this.account, initial, this.now());
  }

  /**
   * Moves a portfolio's recorded deposits and withdrawals into the account, each once (on a real venue the
   * user moves the funds and Ballast only records them). A withdrawal the account cannot cover is refused.
   */
  async applyFlows(portfolioId: string, flows: readonly CashFlow[]): Promise<void> {
    const last = await this.accounts.lastFlowId(portfolioId);
    for (const f of flows.filter((x) => x.id > last))
      await this.accounts.applyFlow(
        this.account,
        portfolioId,
        f.id,
        { [f.asset]: f.kind === 'deposit' ? f.quantity : -f.quantity },
        this.now(),
      );
  }

  async balances(): Promise<Balances> {
    return this.accounts.get(this.account);
  }

  /**
   * The source's prices, validated: a reply that is not a list of quotes, a quote without a source time or
   * priced twice is a VenueReplyError. A non-positive or NaN price passes to the core's price guards, which
   * refuse the cycle naming it (test/service/runner.test.ts); place() never fills at one.
   */
  async prices(assets: readonly string[], quote: string): Promise<PriceQuote[]> {
    return parsePriceQuotes(await this.source.prices(assets, quote), assets, this.name, { prices: 'number' });
  }

  /** Paper trades anything its price source can price: unlisted = what the source says it never prices. */
  async unlisted(assets: readonly string[], quote: string): Promise<string[]> {
    return (await this.source.unlisted?.(assets, quote)) ?? [];
  }

  async rules(assets: readonly string[]): Promise<MarketRules[]> {
    return assets.map(
      (asset) => this.rulesByAsset.get(asset) ?? { asset, minNotional: 0, lotStep: 0, minQuantity: 0, tickSize: 0 },
    );
  }

  /** The quantity truncated to the asset's lot step; below the minimum quantity or notional: skipped. */
  private async withinRules(o: OrderRequest): Promise<OrderRequest> {
    const r = this.rulesByAsset.get(o.asset);
    if (r === undefined) return o;
    const quantity = truncateToLot(o.quantity, r.lotStep);
    skipBelowMinimum(o.clientOrderId, r, quantity, o.limitPrice ?? o.referencePrice, o.quote);
    return { ...o, quantity };
  }

  async place(request: OrderRequest): Promise<OrderState> {
    const o = await this.withinRules(request);
    if ((await this.accounts.order(this.account, o.clientOrderId)) !== undefined) {
      throw new OrderRejectedError(o.clientOrderId, 'duplicate client order id');
    }
    if (!(o.quantity > 0) || !Number.isFinite(o.quantity))
      throw new OrderRejectedError(o.clientOrderId, `quantity ${o.quantity} is not positive`);
    let p: PriceQuote | undefined;
    try {
      [p] = await this.prices([o.asset], o.quote);
    } catch (e) {
      throw new OrderRejectedError(o.clientOrderId, `not filled: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!p || !(p.price > 0) || !Number.isFinite(p.price))
      throw new OrderRejectedError(o.clientOrderId, `no positive finite price for ${o.asset}`);
    if (
      o.type === 'limit' &&
      o.limitPrice !== undefined &&
      (o.side === 'buy' ? p.price > o.limitPrice : p.price < o.limitPrice)
    ) {
      throw new OrderRejectedError(
        o.clientOrderId,
        `limit ${o.limitPrice} not marketable at ${p.price} (paper venue fills only marketable orders)`,
      );
    }
    const notional = o.quantity * p.price;
    const fee = this.cost(o.asset, notional, o.side);
    const sign = o.side === 'buy' ? 1 : -1;
    const at = this.now();
    const state: OrderState = {
      clientOrderId: o.clientOrderId,
      venueOrderId: `paper-${o.clientOrderId}`,
      status: 'filled',
      filledQuantity: o.quantity,
      averagePrice: p.price,
      fills: [
        {
          tradeId: `paper-${o.clientOrderId}-0`,
          quantity: o.quantity,
          price: p.price,
          fee,
          feeAsset: o.quote,
          time: at,
        },
      ],
    };
    try {
      await this.accounts.fill(
        this.account,
        { [o.asset]: sign * o.quantity, [o.quote]: -sign * notional - fee },
        state,
        at,
      );
    } catch (e) {
      throw new OrderRejectedError(
        o.clientOrderId,
        `insufficient balance: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    return state;
  }

  async lookup(clientOrderId: string): Promise<OrderState> {
    return (
      (await this.accounts.order(this.account, clientOrderId)) ?? {
        clientOrderId,
        status: 'not_found',
        filledQuantity: 0,
        averagePrice: 0,
        fills: [],
      }
    );
  }

  async cancel(clientOrderId: string): Promise<OrderState> {
    return this.lookup(clientOrderId); // paper orders fill at once: nothing is ever open
  }
}
