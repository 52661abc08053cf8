/**
 * Ports: the small interfaces the core's side owns and the adapters (paper, replay, ccxt, EVM) implement.
 * Types only: no I/O here. Every venue adapter has this same shape (as in Nautilus Trader), so the
 * service loop, the backtester's replay and the crash trials drive them all the same way.
 */
import { BallastError, type Next } from './errors.ts';

/** A price of one unit of `asset` in the portfolio's quote, with the time its source stamped it. */
export interface PriceQuote {
  readonly asset: string;
  readonly price: number;
  /** Source time, ms since the Unix epoch (UTC). Staleness guards compare it with the cycle's clock. */
  readonly time: number;
  /** Where the price came from (venue name, reference feed name, "replay"). */
  readonly source: string;
}

/** Quantities held at a venue, in asset units (free to trade: locked amounts excluded). */
export type Balances = Readonly<Record<string, number>>;

/** Exchange rules for trading `asset` against the quote at one venue. Missing limits are 0. */
export interface MarketRules {
  readonly asset: string;
  readonly minNotional: number;
  readonly lotStep: number;
  readonly minQuantity: number;
  /** Price tick (limit orders); 0 when not applicable. */
  readonly tickSize: number;
}

export type Side = 'buy' | 'sell';

export interface OrderRequest {
  /** Deterministic, journaled before sending: at most 32 characters of [A-Za-z0-9]. */
  readonly clientOrderId: string;
  readonly asset: string;
  readonly quote: string;
  readonly side: Side;
  /** Asset units, already at the venue's precision. */
  readonly quantity: number;
  readonly type: 'market' | 'limit';
  /** Required for limit orders. */
  readonly limitPrice?: number;
  /** The validated price the plan used; venues use it for slippage bounds. */
  readonly referencePrice: number;
}

export type OrderStatus = 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'not_found';

export interface Fill {
  readonly tradeId: string;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly feeAsset: string;
  readonly time: number;
  /**
   * How a batch auction filled it (issue #25), in the asset: the quantity matched against an opposite order
   * inside the settlement (no pool, no pool fee) and the quantity routed through pools. Absent elsewhere.
   */
  readonly explanation?: FillExplanation;
}

export interface FillExplanation {
  readonly matched: number;
  readonly routed: number;
}

export interface OrderState {
  readonly clientOrderId: string;
  readonly venueOrderId?: string;
  readonly status: OrderStatus;
  readonly filledQuantity: number;
  /** Average fill price (0 when nothing filled). */
  readonly averagePrice: number;
  readonly fills: readonly Fill[];
  /** Human-readable reason for rejected / canceled. */
  readonly reason?: string;
}

/**
 * Raised by Venue.place when the outcome is not known (timeout, connection dropped after sending).
 * The caller must record the order as "unknown" and resolve it with lookup(), never by re-sending.
 */
export class OrderOutcomeUnknownError extends BallastError {
  static override readonly next: Next = 'lookup';
  override readonly name = 'OrderOutcomeUnknownError';
  constructor(
    readonly clientOrderId: string,
    cause: unknown,
  ) {
    super(
      `order ${clientOrderId}: outcome unknown (${cause instanceof Error ? cause.message : String(cause)}); resolve it by lookup, never by re-sending`,
    );
  }
}

/** Raised by Venue.place when the venue certainly did not accept the order (validation, funds, filters). */
export class OrderRejectedError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'OrderRejectedError';
  constructor(
    readonly clientOrderId: string,
    readonly reason: string,
  ) {
    super(`order ${clientOrderId} rejected: ${reason}`);
  }
}

export interface Venue {
  readonly name: string;
  /** Free balances of every asset the account holds. */
  balances(): Promise<Balances>;
  /** Prices of `assets` in `quote`, each with its source time. Missing ones are absent from the result. */
  prices(assets: readonly string[], quote: string): Promise<PriceQuote[]>;
  /** Market rules for trading each asset against `quote`. */
  rules(assets: readonly string[], quote: string): Promise<MarketRules[]>;
  /**
   * The `assets` this venue cannot trade or price against `quote` at all (not listed, delisted, no route),
   * as opposed to a price missing for a moment. Optional: without it, an asset is unlisted when rules()
   * has no entry for it (see src/venues/unlisted.ts).
   */
  unlisted?(assets: readonly string[], quote: string): Promise<string[]>;
  /** Send one order. Throws OrderRejectedError (certainly not placed) or OrderOutcomeUnknownError (maybe placed). */
  place(order: OrderRequest): Promise<OrderState>;
  /** Look an order up by its client order id ('not_found' when the venue does not know it). */
  lookup(clientOrderId: string, asset: string, quote: string): Promise<OrderState>;
  /** Cancel an open order by client order id; returns its final state. */
  cancel(clientOrderId: string, asset: string, quote: string): Promise<OrderState>;
  /** Release connections. */
  close?(): Promise<void>;
}

/** Clock port: the service's wall clock or the replay's bar clock. */
export interface Clock {
  now(): number;
}
