/**
 * Lot rounding and the minimum-notional skip, for venues that apply market rules themselves (the paper and
 * in-memory venues; the ccxt venue uses ccxt's amountToPrecision). Quantities are truncated, never rounded
 * up: a venue never sells more than the order asked for.
 */
import { type MarketRules, OrderRejectedError } from '../core/ports.ts';

/** `q` truncated to a multiple of `step` (0: unchanged); float noise such as 0.30000000000000004 is removed. */
export function truncateToLot(q: number, step: number): number {
  if (!(step > 0)) return q;
  const n = Math.floor(Number((q / step).toPrecision(12)));
  return Number((n * step).toPrecision(12));
}

/** Throws the `skipped:` rejection of an order below its market's minimum quantity or notional. */
export function skipBelowMinimum(
  clientOrderId: string,
  r: Pick<MarketRules, 'asset' | 'minNotional' | 'minQuantity' | 'lotStep'>,
  quantity: number,
  price: number,
  quote: string,
): void {
  if (!(quantity > 0) || quantity < r.minQuantity)
    throw new OrderRejectedError(
      clientOrderId,
      `skipped: quantity ${quantity} ${r.asset} is below the minimum ${r.minQuantity} ${r.asset} (lot step ${r.lotStep})`,
    );
  const notional = quantity * price;
  if (notional < r.minNotional)
    throw new OrderRejectedError(
      clientOrderId,
      `skipped: notional ${notional.toPrecision(6)} ${quote} is below ${r.asset}/${quote}'s minimum ${r.minNotional} ${quote}`,
    );
}
