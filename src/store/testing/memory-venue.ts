/**
 * An in-memory Venue for the journal's tests: orders keyed by client order id, scripted outcomes per
 * send (fill, rest open, reject, time out after accepting, time out before accepting), create requests
 * counted per client order id (the duplicate-send check).
 */
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

export type SendScript = 'fill' | 'open' | 'reject' | 'timeout_after_accept' | 'timeout_before_accept';

export class MemoryVenue implements Venue {
  readonly orders = new Map<string, OrderState>();
  readonly creates = new Map<string, number>();
  lookupCalls = 0;
  /** Outcome of the next sends, in order; 'fill' when empty. */
  readonly script: SendScript[] = [];
  /** Make lookup() throw this many times first (a flaky network). */
  failLookups = 0;
  private trade = 0;

  constructor(readonly name = 'memory') {}

  async balances(): Promise<Balances> {
    return {};
  }
  async prices(): Promise<PriceQuote[]> {
    return [];
  }
  async rules(): Promise<MarketRules[]> {
    return [];
  }

  /** Puts an order directly in the venue's books (as if placed by an earlier process). */
  seed(state: OrderState): void {
    this.orders.set(state.clientOrderId, state);
  }

  filledState(o: OrderRequest): OrderState {
    this.trade += 1;
    const price = o.limitPrice ?? o.referencePrice;
    return {
      clientOrderId: o.clientOrderId,
      venueOrderId: `v${this.trade}`,
      status: 'filled',
      filledQuantity: o.quantity,
      averagePrice: price,
      fills: [
        {
          tradeId: `t${this.trade}`,
          quantity: o.quantity,
          price,
          fee: o.quantity * price * 0.001,
          feeAsset: o.quote,
          time: 0,
        },
      ],
    };
  }

  async place(o: OrderRequest): Promise<OrderState> {
    this.creates.set(o.clientOrderId, (this.creates.get(o.clientOrderId) ?? 0) + 1);
    const step = this.script.shift() ?? 'fill';
    if (step === 'reject') throw new OrderRejectedError(o.clientOrderId, 'insufficient balance');
    if (step === 'timeout_before_accept')
      throw new OrderOutcomeUnknownError(o.clientOrderId, new Error('request timed out'));
    const open: OrderState = {
      clientOrderId: o.clientOrderId,
      venueOrderId: `v${++this.trade}`,
      status: 'open',
      filledQuantity: 0,
      averagePrice: 0,
      fills: [],
    };
    const state = step === 'open' ? open : this.filledState(o);
    this.orders.set(o.clientOrderId, state);
    if (step === 'timeout_after_accept')
      throw new OrderOutcomeUnknownError(o.clientOrderId, new Error('request timed out'));
    return state;
  }

  async lookup(clientOrderId: string): Promise<OrderState> {
    this.lookupCalls += 1;
    if (this.failLookups > 0) {
      this.failLookups -= 1;
      throw new Error('ECONNRESET');
    }
    return (
      this.orders.get(clientOrderId) ?? {
        clientOrderId,
        status: 'not_found',
        filledQuantity: 0,
        averagePrice: 0,
        fills: [],
      }
    );
  }

  async cancel(clientOrderId: string): Promise<OrderState> {
    const s = this.orders.get(clientOrderId);
    if (s === undefined) return { clientOrderId, status: 'not_found', filledQuantity: 0, averagePrice: 0, fills: [] };
    const c: OrderState = {
      ...s,
      status: s.status === 'open' || s.status === 'partially_filled' ? 'canceled' : s.status,
    };
    this.orders.set(clientOrderId, c);
    return c;
  }
}
