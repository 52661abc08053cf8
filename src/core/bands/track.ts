import { WeightVarianceEstimator, type WeightVarianceParams } from './weight-variance.ts';

/**
 * The `optband` estimator's state after each bar of a row-major bars × n price matrix, for one target,
 * computed once and read by every optband run over that matrix (a backtest, a walk-forward's grid of κ):
 * `unit[k·n + i]` = (s²ᵢ per bar)^(1/3) after bars 0…k, `ready[k]` = 1 once the estimator is ready. The
 * band is then h = (3c·barsPerYear/(2κ))^(1/3)·unit, the kernel's own formula, bit for bit.
 */
export interface OptbandTrack {
  readonly n: number;
  readonly bars: number;
  readonly params: WeightVarianceParams;
  readonly target: Float64Array;
  readonly ready: Uint8Array;
  readonly unit: Float64Array;
  /** Returns seen by the covariance, per bar (for the warm-up message). */
  readonly count: Int32Array;
}

export function optbandTrack(
  prices: Float64Array,
  target: Float64Array,
  quoteIndex: number,
  params: WeightVarianceParams,
): OptbandTrack {
  const n = target.length;
  const bars = prices.length / n;
  const est = new WeightVarianceEstimator(target, quoteIndex, params);
  const ready = new Uint8Array(bars);
  const unit = new Float64Array(bars * n);
  const count = new Int32Array(bars);
  for (let k = 0; k < bars; k++) {
    est.observeRow(prices, k * n);
    count[k] = est.count;
    if (!est.ready) continue;
    ready[k] = 1;
    for (let i = 0; i < n; i++) unit[k * n + i] = Math.cbrt(est.s2[i]!);
  }
  return { n, bars, params, target: Float64Array.from(target), ready, unit, count };
}

/** Whether a track was computed for these parameters and this target. */
export function trackMatches(t: OptbandTrack, target: Float64Array, p: WeightVarianceParams): boolean {
  if (t.n !== target.length) return false;
  for (let i = 0; i < t.n; i++) if (t.target[i] !== target[i]) return false;
  const q = t.params;
  return q.vol === p.vol && q.refitEvery === p.refitEvery && q.lambda === p.lambda && q.warmup === p.warmup;
}
