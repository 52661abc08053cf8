/** Configuration and state shapes of the local Binance-spot simulator. Amounts are decimal strings on the outside. */
import { BallastError, type Next } from '../../core/errors.ts';

export interface SimMarketConfig {
  /** Binance symbol without separator, e.g. "BTCUSDT". */
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Mid price; bid and ask are derived from it with `spreadBps`. */
  readonly price: string;
  readonly tickSize: string;
  readonly stepSize: string;
  readonly minQty: string;
  readonly maxQty?: string;
  readonly minPrice?: string;
  readonly maxPrice?: string;
  readonly minNotional: string;
  readonly maxNotional?: string;
  /** Full bid-ask spread in bps around the mid (default 0: bid = ask = price). */
  readonly spreadBps?: number;
  /**
   * Optional depth: each price level holds `levelQty` base units; every next level is `stepBps` worse.
   * A market order walks the levels (slippage). Without it a market order fills entirely at the touch.
   */
  readonly depth?: { readonly levelQty: string; readonly stepBps: number; readonly levels?: number };
  /** 24 h quote volume reported by ticker/24hr (the market graph ranks intermediates by it). */
  readonly quoteVolume?: string;
}

export interface SimConfig {
  readonly apiKey: string;
  readonly secret: string;
  readonly markets: readonly SimMarketConfig[];
  /** Initial free balances per asset. */
  readonly balances: Readonly<Record<string, string>>;
  /** Commission in bps for taker fills (market orders, crossing limits). Default 10 (Binance's 0.1 %). */
  readonly takerBps?: number;
  /** Commission in bps for maker fills (resting limits filled later). Default = takerBps. */
  readonly makerBps?: number;
  /**
   * Where commission is charged. "received" (Binance's default without BNB): in the asset the fill
   * delivers (base on a buy, quote on a sell). "quote": always in the quote asset (added to the cost of a
   * buy, taken from the proceeds of a sell).
   */
  readonly commissionAsset?: 'received' | 'quote';
  /** Wall clock (ms); defaults to Date.now. Server time = clock() + clock skew. */
  readonly clock?: () => number;
}

export type SimOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

export interface SimOrder {
  readonly orderId: number;
  readonly symbol: string;
  readonly clientOrderId: string;
  readonly side: 'BUY' | 'SELL';
  readonly type: 'MARKET' | 'LIMIT';
  /** Limit price (0 for market orders), 1e-8 units. */
  readonly price: bigint;
  readonly origQty: bigint;
  readonly origQuoteOrderQty: bigint;
  executedQty: bigint;
  cummulativeQuoteQty: bigint;
  status: SimOrderStatus;
  readonly time: number;
  updateTime: number;
  /** Funds still locked by this order (quote for buys, base for sells). */
  locked: bigint;
  /** Market orders held by a delay fault fill at this price when released. */
  readonly heldPrice?: bigint;
  /** Set while a delay fault holds the order (it stays NEW until released). */
  delayed: boolean;
}

export interface SimTrade {
  readonly id: number;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'BUY' | 'SELL';
  readonly price: bigint;
  readonly qty: bigint;
  readonly quoteQty: bigint;
  readonly commission: bigint;
  readonly commissionAsset: string;
  readonly time: number;
  readonly isMaker: boolean;
}

/** One POST /api/v3/order that reached the server, whatever became of it. */
export interface CreateRecord {
  readonly seq: number;
  readonly time: number;
  readonly clientOrderId: string | undefined;
  readonly params: Readonly<Record<string, string>>;
  /** "accepted", "rejected <code> <msg>", "fault <kind>", "unauthenticated". */
  outcome: string;
  readonly orderId?: number;
}

export class BinanceError extends BallastError {
  static override readonly next: Next = 'stop';
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}
