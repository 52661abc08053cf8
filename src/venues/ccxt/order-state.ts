/** ccxt orders and trades → Ballast's OrderState and Fill (src/core/ports.ts). */
import type { Order, Trade } from 'ccxt';
import type { Fill, OrderState, OrderStatus } from '../../core/ports.ts';

/**
 * Trade ids are unique per market on Binance (and many others), not per account: the fill id carries the
 * symbol so two legs of a route can never collide in the journal's (venue, trade id) key.
 */
export function toFill(t: Trade): Fill {
  return {
    tradeId: `${t.symbol ?? ''}#${t.id ?? ''}`,
    quantity: t.amount ?? 0,
    price: t.price ?? 0,
    fee: t.fee?.cost ?? 0,
    feeAsset: t.fee?.currency ?? '',
    time: t.timestamp ?? 0,
  };
}

export function statusOf(o: Pick<Order, 'status' | 'filled'>): { status: OrderStatus; reason?: string } {
  const filled = o.filled ?? 0;
  switch (o.status) {
    case 'closed':
      return { status: 'filled' };
    case 'open':
      return { status: filled > 0 ? 'partially_filled' : 'open' };
    case 'canceled':
      return { status: 'canceled', reason: filled > 0 ? 'canceled after a partial fill' : 'canceled' };
    case 'expired':
      // Binance expires the unfilled rest of a market order when liquidity runs out: final, possibly partial.
      return {
        status: 'canceled',
        reason: filled > 0 ? 'expired by the exchange after a partial fill' : 'expired by the exchange',
      };
    case 'rejected':
      return { status: 'rejected', reason: 'rejected by the exchange' };
    default:
      return { status: filled > 0 ? 'partially_filled' : 'open' };
  }
}

/** Builds the state from the order and its fills; the average comes from the fills when there are any. */
export function toOrderState(o: Order, clientOrderId: string, fills: readonly Fill[]): OrderState {
  const { status, reason } = statusOf(o);
  const qty = fills.reduce((a, f) => a + f.quantity, 0);
  const filledQuantity = o.filled ?? qty;
  const averagePrice =
    qty > 0
      ? fills.reduce((a, f) => a + f.price * f.quantity, 0) / qty
      : filledQuantity > 0
        ? (o.average ?? (o.cost ?? 0) / filledQuantity)
        : 0;
  return {
    clientOrderId,
    venueOrderId: o.id === undefined ? undefined : String(o.id),
    status,
    filledQuantity,
    averagePrice,
    fills,
    ...(reason === undefined ? {} : { reason }),
  };
}

export function notFound(clientOrderId: string): OrderState {
  return { clientOrderId, status: 'not_found', filledQuantity: 0, averagePrice: 0, fills: [] };
}
