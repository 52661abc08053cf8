/** Types of order intents, their events, lookups and fills, and the mapping from SQLite rows. */

import type { IntentState } from '../core/orders/order-states.ts';
import type { Side } from '../core/ports.ts';

export type IntentKind = 'order' | 'chain_tx';

/** What the caller supplies to commit an exchange order intent. */
export interface IntentInput {
  readonly portfolioId: string;
  readonly cycle: number;
  /** Leg number within the cycle (0, 1, 2 …). */
  readonly leg: number;
  /** Child number within the leg: each re-peg or chunk is a new child (0, 1, 2 …). */
  readonly child: number;
  /** Venue name (e.g. 'paper', 'binance'); fills are unique per (venue, trade id). */
  readonly venue: string;
  readonly asset: string;
  readonly quote: string;
  readonly side: Side;
  /** Asset units at the venue's precision. */
  readonly quantity: number;
  readonly orderType: 'market' | 'limit';
  readonly limitPrice?: number;
  readonly referencePrice: number;
  readonly at: number;
}

/** Fields every intent has (exchange order or chain transaction). */
export interface IntentBase {
  readonly id: number;
  readonly clientOrderId: string;
  readonly portfolioId: string;
  readonly cycle: number;
  readonly leg: number;
  readonly child: number;
  readonly venue: string;
  readonly state: IntentState;
  readonly venueOrderId: string | null;
  readonly filledQuantity: number;
  readonly averagePrice: number;
  readonly reason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface OrderIntent extends IntentBase {
  readonly kind: 'order';
  readonly asset: string;
  readonly quote: string;
  readonly side: Side;
  readonly quantity: number;
  readonly orderType: 'market' | 'limit';
  readonly limitPrice: number | null;
  readonly referencePrice: number;
  /** In listings: the fills' batch auction explanation summed (issue #25), asset matched vs routed; absent without one. */
  readonly matched?: number;
  readonly routed?: number;
}

export interface OrderEvent {
  readonly from: IntentState | null;
  readonly to: IntentState;
  readonly reason: string | null;
  readonly detail: unknown;
  readonly at: number;
}

export interface OrderLookup {
  readonly at: number;
  readonly result: 'found' | 'not_found' | 'error';
  readonly status: string | null;
  readonly error: string | null;
}

export interface FillRecord {
  readonly clientOrderId: string;
  readonly venue: string;
  readonly tradeId: string;
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly feeAsset: string;
  readonly at: number;
  /** Batch auction fills (issue #25): asset quantity matched inside the settlement, and routed. */
  readonly matched?: number;
  readonly routed?: number;
}

export interface IntentRow {
  id: number;
  client_order_id: string;
  portfolio_id: string;
  cycle: number;
  leg: number;
  child: number;
  kind: IntentKind;
  venue: string;
  asset: string | null;
  quote: string | null;
  side: Side | null;
  quantity: number | null;
  order_type: 'market' | 'limit' | null;
  limit_price: number | null;
  reference_price: number | null;
  state: IntentState;
  venue_order_id: string | null;
  filled_quantity: number;
  average_price: number;
  reason: string | null;
  created_at: number;
  updated_at: number;
}

export function toIntentBase(r: IntentRow): IntentBase {
  return {
    id: r.id,
    clientOrderId: r.client_order_id,
    portfolioId: r.portfolio_id,
    cycle: r.cycle,
    leg: r.leg,
    child: r.child,
    venue: r.venue,
    state: r.state,
    venueOrderId: r.venue_order_id,
    filledQuantity: r.filled_quantity,
    averagePrice: r.average_price,
    reason: r.reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** An exchange order intent; the schema's CHECK guarantees the order fields of kind 'order' are present. */
export function toOrderIntent(r: IntentRow): OrderIntent {
  return {
    ...toIntentBase(r),
    kind: 'order',
    asset: r.asset as string,
    quote: r.quote as string,
    side: r.side as Side,
    quantity: r.quantity as number,
    orderType: r.order_type as 'market' | 'limit',
    limitPrice: r.limit_price,
    referencePrice: r.reference_price as number,
  };
}

export interface EventRow {
  from_state: IntentState | null;
  to_state: IntentState;
  reason: string | null;
  detail: string | null;
  at: number;
}
export const toEvent = (r: EventRow): OrderEvent => ({
  from: r.from_state,
  to: r.to_state,
  reason: r.reason,
  detail: r.detail === null ? null : JSON.parse(r.detail),
  at: r.at,
});

export interface FillRow {
  client_order_id: string;
  venue: string;
  trade_id: string;
  quantity: number;
  price: number;
  fee: number;
  fee_asset: string;
  at: number;
  matched?: number | null;
  routed?: number | null;
}
export const toFill = (r: FillRow): FillRecord => ({
  clientOrderId: r.client_order_id,
  venue: r.venue,
  tradeId: r.trade_id,
  quantity: r.quantity,
  price: r.price,
  fee: r.fee,
  feeAsset: r.fee_asset,
  at: r.at,
  ...explainedOf(r),
});

/** An order listing's row: the intent and its fills' explanation sums. */
export type ListedRow = IntentRow & { fills_matched: number | null; fills_routed: number | null };

export const toListedOrder = (r: ListedRow): OrderIntent => ({
  ...toOrderIntent(r),
  ...explainedOf({ matched: r.fills_matched, routed: r.fills_routed }),
});

/** The optional explanation columns of a fill row (absent when NULL). */
export const explainedOf = (r: {
  matched?: number | null;
  routed?: number | null;
}): { matched?: number; routed?: number } =>
  r.matched === null || r.matched === undefined || r.routed === null || r.routed === undefined
    ? {}
    : { matched: Number(r.matched), routed: Number(r.routed) };
