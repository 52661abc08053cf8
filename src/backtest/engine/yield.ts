/**
 * The idle sleeve's yield in a backtest (issue #22 item 3). A share of every holding is supplied to a lending
 * market and earns its supply rate (APR, per asset and cash: a constant or a step path); the sleeve is kept at
 * its share at every bar. Within a bar the supplied part grows linearly, as Aave's liquidity index does
 * (1 + rate × Δt / 365 days), and bar to bar it compounds, so asset i's holding grows by
 *   G_i(t) = G_i(t−1) × (1 + share × r_i(t−1) × (time_t − time_{t−1}) / 365 days)
 * between trades. The engine runs unchanged on prices P_i × G_i / G_cash (the value of a grown unit, in units
 * of grown cash: the cash column stays 1), and each equity point is then multiplied by G_cash(t).
 */
import type { Universe } from '../../core/universe.ts';
import { computeMetrics } from './metrics.ts';
import type { PreparedData } from './run.ts';
import type { BacktestOptions, BacktestResult } from './types.ts';

const YEAR_MS = 365 * 86_400_000;

/** An asset's supply rate: a constant APR, or a step path (the latest time ≤ the bar applies). */
export type RatePath = number | { readonly times: Float64Array; readonly rates: Float64Array };

export interface IdleYield {
  /** Fraction of each holding supplied, in [0, 1]. */
  readonly share: number;
  /** Asset (or cash) → its supply rate; an asset not listed earns nothing. */
  readonly rates: ReadonlyMap<string, RatePath>;
}

/** The rate in force at time `at` (a path's first rate before its first time). */
export function rateAt(p: RatePath, at: number): number {
  if (typeof p === 'number') return p;
  let lo = 0;
  let hi = p.times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.times[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return p.rates[lo]!;
}

/** G_i(t) for every asset of the universe, row-major T×n (1 at bar 0). */
export function growthOf(times: Float64Array, u: Universe, y: IdleYield): Float64Array {
  const n = u.n;
  const T = times.length;
  const g = new Float64Array(T * n);
  for (let i = 0; i < n; i++) g[i] = 1;
  for (let i = 0; i < n; i++) {
    const path = y.rates.get(u.assets[i]!);
    for (let t = 1; t < T; t++) {
      const r = path === undefined ? 0 : rateAt(path, times[t - 1]!);
      const dt = times[t]! - times[t - 1]!;
      g[t * n + i] = g[(t - 1) * n + i]! * (1 + (y.share * r * dt) / YEAR_MS);
    }
  }
  return g;
}

/** The data the engine runs on: prices × G_i / G_cash. */
export function withYield(data: PreparedData, growth: Float64Array): PreparedData {
  const { n, quoteIndex: q } = data.u;
  const prices = new Float64Array(data.prices.length);
  for (let t = 0; t < data.times.length; t++) {
    const gq = growth[t * n + q]!;
    for (let i = 0; i < n; i++) prices[t * n + i] = (data.prices[t * n + i]! * growth[t * n + i]!) / gq;
  }
  return { u: data.u, times: data.times, prices };
}

/** A result of a run on `withYield` data, its equity in cash again (× G_cash) and its metrics recomputed. */
export function inCash(
  r: BacktestResult,
  data: PreparedData,
  growth: Float64Array,
  opts: BacktestOptions,
): BacktestResult {
  const { n, quoteIndex: q } = data.u;
  const equity = Float64Array.from(r.equity, (v, t) => v * growth[t * n + q]!);
  const { rebalances, fees, turnover } = r.metrics;
  return {
    ...r,
    equity,
    metrics: computeMetrics(equity, data.times, opts.capital, opts.periodsPerYear, { rebalances, fees, turnover }),
  };
}
