import type { Metrics } from './types.ts';

const DAY_S = 86_400;

/**
 * Metrics from the post-trade values Vₜ (docs/backtest.md): rₜ = Vₜ/Vₜ₋₁ − 1 (t ≥ 1), volatility =
 * sample sd(r)·√P, sharpe = mean(r)/sd(r)·√P (zero rate; null when sd = 0), CAGR over calendar days
 * (365.25 per year), maxDrawdown = maxₜ(1 − Vₜ/max_{s≤t}V_s).
 */
export function computeMetrics(
  equity: Float64Array,
  times: Float64Array,
  capital: number,
  periodsPerYear: number,
  counts: { rebalances: number; fees: number; turnover: number },
): Metrics {
  const T = equity.length;
  let mean = 0;
  let m2 = 0;
  let k = 0;
  let peak = equity[0]!;
  let mdd = 0;
  for (let t = 1; t < T; t++) {
    const r = equity[t]! / equity[t - 1]! - 1;
    k++;
    const d = r - mean;
    mean += d / k;
    m2 += d * (r - mean);
    const v = equity[t]!;
    if (v > peak) peak = v;
    const dd = 1 - v / peak;
    if (dd > mdd) mdd = dd;
  }
  return finishMetrics(equity[T - 1]!, mean, m2, k, mdd, times, capital, periodsPerYear, counts);
}

/**
 * The metrics from the running sums of computeMetrics' loop (Welford's mean and m2 of the k returns, the
 * largest drawdown): a backtest loop that runs the same recurrences bar by bar (engine/fast.ts) ends here.
 */
export function finishMetrics(
  last: number,
  mean: number,
  m2: number,
  k: number,
  mdd: number,
  times: Float64Array,
  capital: number,
  periodsPerYear: number,
  counts: { rebalances: number; fees: number; turnover: number },
): Metrics {
  const T = times.length;
  const sd = k > 1 ? Math.sqrt(m2 / (k - 1)) : 0;
  const days = (times[T - 1]! - times[0]!) / 1000 / DAY_S;
  return {
    finalValue: last,
    totalReturn: last / capital - 1,
    cagr: days > 0 ? (last / capital) ** (365.25 / days) - 1 : null,
    volatility: sd > 0 ? sd * Math.sqrt(periodsPerYear) : null,
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : null,
    maxDrawdown: mdd,
    rebalances: counts.rebalances,
    fees: counts.fees,
    turnover: counts.turnover,
  };
}
