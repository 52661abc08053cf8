/**
 * An in-memory Venue: orders keyed by client order id, scripted outcomes per send (fill, rest open, reject,
 * time out after accepting, time out before accepting), create requests counted per client order id (the
 * duplicate-send check). With a `market` it also keeps balances, prices and rules, truncates quantities to
 * the lot step and skips orders below the minimum notional, like an exchange. The journal's tests and the
 * venue contract (src/venues/contract/) use it; `createMemoryVenue` (./config.ts) builds it from a config.
 */
import { BallastError } from '../../core/errors.ts';
import {
  type Balances,
  type MarketRules,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  type OrderRequest,
  type OrderState,
  type PriceQuote,
  type Venue,
} from '../../core/ports.ts';
import { skipBelowMinimum, truncateToLot } from '../lot.ts';

export type SendScript = 'fill' | 'open' | 'reject' | 'timeout_after_accept' | 'timeout_before_accept';

/** An account and its markets: prices in the quote, rules per asset, a fee rate charged in the quote. */
export interface MemoryMarket {
  readonly quote: string;
  readonly balances: Balances;
  readonly prices: Readonly<Record<string, number>>;
  readonly rules?: Readonly<Record<string, Omit<MarketRules, 'asset'>>>;
  readonly feeRate?: number;
}

/** The venue's books (orders, balances): shared by two instances to model a restart of the process. */
export interface MemoryBooks {
  readonly orders: Map<string, OrderState>;
  readonly balances: Map<string, number>;
  trade: number;
}

export function memoryBooks(balances: Balances = {}): MemoryBooks {
  return { orders: new Map(), balances: new Map(Object.entries(balances)), trade: 0 };
}

const notFound = (clientOrderId: string): OrderState => ({
  clientOrderId,
  status: 'not_found',
  filledQuantity: 0,
  averagePrice: 0,
  fills: [],
});

export class MemoryVenue implements Venue {
  readonly orders: Map<string, OrderState>;
  readonly creates = new Map<string, number>();
  lookupCalls = 0;
  /** Outcome of the next sends, in order; 'fill' when empty. */
  readonly script: SendScript[] = [];
  /** Make lookup() throw this many times first (a flaky network). */
  failLookups = 0;
  readonly books: MemoryBooks;

  constructor(
    readonly name = 'memory',
    private readonly market?: MemoryMarket,
    books?: MemoryBooks,
  ) {
    this.books = books ?? memoryBooks(market?.balances);
    this.orders = this.books.orders;
  }

  async balances(): Promise<Balances> {
    return Object.fromEntries(this.books.balances);
  }
  async prices(assets: readonly string[], quote: string): Promise<PriceQuote[]> {
    if (this.market === undefined || quote !== this.market.quote) return [];
    return assets.flatMap((asset) => {
      const price = this.market!.prices[asset];
      return price === undefined ? [] : [{ asset, price, time: 0, source: this.name }];
    });
  }
  async rules(assets: readonly string[], quote: string): Promise<MarketRules[]> {
    if (this.market === undefined || quote !== this.market.quote) return [];
    return assets.flatMap((asset) => {
      const r = this.market!.rules?.[asset];
      if (this.market!.prices[asset] === undefined) return [];
      return [{ asset, minNotional: 0, lotStep: 0, minQuantity: 0, tickSize: 0, ...r }];
    });
  }

  /** Puts an order directly in the venue's books (as if placed by an earlier process). */
  seed(state: OrderState): void {
    this.orders.set(state.clientOrderId, state);
  }

  filledState(o: OrderRequest): OrderState {
    this.books.trade += 1;
    const price = o.limitPrice ?? this.market?.prices[o.asset] ?? o.referencePrice;
    const fee = o.quantity * price * (this.market?.feeRate ?? 0.001);
    if (this.market !== undefined) {
      const sign = o.side === 'buy' ? 1 : -1;
      const b = this.books.balances;
      const next = (a: string, d: number) => (b.get(a) ?? 0) + d;
      const asset = next(o.asset, sign * o.quantity);
      const quote = next(o.quote, -sign * o.quantity * price - fee);
      if (asset < 0 || quote < 0) throw new OrderRejectedError(o.clientOrderId, 'insufficient balance');
      b.set(o.asset, asset);
      b.set(o.quote, quote);
    }
    return {
      clientOrderId: o.clientOrderId,
      venueOrderId: `v${this.books.trade}`,
      status: 'filled',
      filledQuantity: o.quantity,
      averagePrice: price,
      fills: [{ tradeId: `t${this.books.trade}`, quantity: o.quantity, price, fee, feeAsset: o.quote, time: 0 }],
    };
  }

  /** Lot truncation and the minimum notional, from the market's rules (none without a market). */
  private prepare(o: OrderRequest): OrderRequest {
    const r = this.market?.rules?.[o.asset];
    if (r === undefined) return o;
    const quantity = truncateToLot(o.quantity, r.lotStep);
    const price = o.limitPrice ?? this.market!.prices[o.asset] ?? o.referencePrice;
    skipBelowMinimum(o.clientOrderId, { ...r, asset: o.asset }, quantity, price, o.quote);
    return { ...o, quantity };
  }

  async place(request: OrderRequest): Promise<OrderState> {
    this.creates.set(request.clientOrderId, (this.creates.get(request.clientOrderId) ?? 0) + 1);
    const o = this.prepare(request);
    const step = this.script.shift() ?? 'fill';
    if (step === 'reject') throw new OrderRejectedError(o.clientOrderId, 'insufficient balance');
    if (step === 'timeout_before_accept')
      throw new OrderOutcomeUnknownError(o.clientOrderId, new BallastError('request timed out', { next: 'lookup' }));
    const open: OrderState = {
      clientOrderId: o.clientOrderId,
      venueOrderId: `v${++this.books.trade}`,
      status: 'open',
      filledQuantity: 0,
      averagePrice: 0,
      fills: [],
    };
    const state = step === 'open' ? open : this.filledState(o);
    this.orders.set(o.clientOrderId, state);
    if (step === 'timeout_after_accept')
      throw new OrderOutcomeUnknownError(o.clientOrderId, new BallastError('request timed out', { next: 'lookup' }));
    return state;
  }

  async lookup(clientOrderId: string): Promise<OrderState> {
    this.lookupCalls += 1;
    if (this.failLookups > 0) {
      this.failLookups -= 1;
      throw new BallastError('ECONNRESET', { next: 'retry' });
    }
    return this.orders.get(clientOrderId) ?? notFound(clientOrderId);
  }

  async cancel(clientOrderId: string): Promise<OrderState> {
    const s = this.orders.get(clientOrderId);
    if (s === undefined) return notFound(clientOrderId);
    const c: OrderState = {
      ...s,
      status: s.status === 'open' || s.status === 'partially_filled' ? 'canceled' : s.status,
    };
    this.orders.set(clientOrderId, c);
    return c;
  }
}
