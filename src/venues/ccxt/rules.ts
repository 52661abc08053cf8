/** Market rules from a ccxt market, whatever the exchange's precision mode. */
import ccxt, { type MarketInterface as Market } from 'ccxt';
import type { MarketRules } from '../../core/ports.ts';

/** A precision value as a step: ccxt gives a tick (TICK_SIZE) or a number of decimals (DECIMAL_PLACES). */
export function stepOf(precision: number | undefined, mode: number): number {
  if (precision === undefined) return 0;
  if (mode === ccxt.TICK_SIZE) return precision;
  if (mode === ccxt.DECIMAL_PLACES) return 10 ** -precision;
  return 0; // SIGNIFICANT_DIGITS: no fixed step; amountToPrecision still applies it when sending
}

export function rulesOf(asset: string, m: Market, precisionMode: number): MarketRules {
  const lotStep = stepOf(m.precision.amount, precisionMode);
  return {
    asset,
    minNotional: m.limits.cost?.min ?? 0,
    lotStep,
    minQuantity: Math.max(m.limits.amount?.min ?? 0, lotStep),
    tickSize: stepOf(m.precision.price, precisionMode),
  };
}

/** ccxt taker fee of a market in bps (Binance: 0.001 → 10 bps), or the override. */
export function takerFeeBps(m: Market, override?: number): number {
  return override ?? (m.taker ?? 0.001) * 10_000;
}
