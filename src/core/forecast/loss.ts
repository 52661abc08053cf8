/**
 * Forecast losses and the Diebold–Mariano test (Patton 2011: QLIKE and MSE are robust to the noise of
 * r² as a proxy for the variance).
 *   QLIKE(x, h) = x/h − ln(x/h) − 1 with x = max(r², 1e-12);   MSE(r², h) = (r² − h)².
 * DM: dₜ = L(model)ₜ − L(benchmark)ₜ, t = d̄ / √(Ŝ/T) with Ŝ the Newey–West long-run variance of d,
 * Bartlett weights 1 − k/(L + 1) for k = 1…L lags. t < 0: the model's loss is lower.
 */

export const QLIKE_FLOOR = 1e-12;

export function qlike(r: number, h: number): number {
  const x = Math.max(r * r, QLIKE_FLOOR);
  const q = x / h;
  return q - Math.log(q) - 1;
}

export function squaredError(r: number, h: number): number {
  const d = r * r - h;
  return d * d;
}

export function mean(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Newey–West long-run variance of x with `lags` Bartlett-weighted autocovariances (1/T divisor). */
export function neweyWestVariance(x: Float64Array, lags: number): number {
  const T = x.length;
  const m = mean(x);
  const gamma = (k: number) => {
    let s = 0;
    for (let t = k; t < T; t++) s += (x[t]! - m) * (x[t - k]! - m);
    return s / T;
  };
  let v = gamma(0);
  for (let k = 1; k <= Math.min(lags, T - 1); k++) v += 2 * (1 - k / (lags + 1)) * gamma(k);
  return v;
}

/** The DM t-statistic of the loss differences d; NaN when they have no variance (e.g. a model against itself). */
export function dieboldMariano(d: Float64Array, lags = 5): number {
  const v = neweyWestVariance(d, lags);
  if (!(v > 0)) return Number.NaN;
  return mean(d) / Math.sqrt(v / d.length);
}
