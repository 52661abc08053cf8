/** Sample statistics of log returns of a row-major T×n price matrix (used to check the generators). */

/** Log returns of asset i: length T − 1. */
export function logReturns(prices: Float64Array, n: number, i: number): Float64Array {
  const T = prices.length / n;
  const r = new Float64Array(T - 1);
  for (let t = 1; t < T; t++) r[t - 1] = Math.log(prices[t * n + i] / prices[(t - 1) * n + i]);
  return r;
}

export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k];
  return s / x.length;
}

/** Sample variance (n − 1 denominator). */
export function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let k = 0; k < x.length; k++) s += (x[k] - m) ** 2;
  return s / (x.length - 1);
}

export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < x.length; k++) {
    sxy += (x[k] - mx) * (y[k] - my);
    sxx += (x[k] - mx) ** 2;
    syy += (y[k] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Sample autocorrelation at `lag`. */
export function autocorrelation(x: ArrayLike<number>, lag: number): number {
  const m = mean(x);
  let num = 0;
  let den = 0;
  for (let k = 0; k < x.length; k++) {
    den += (x[k] - m) ** 2;
    if (k >= lag) num += (x[k] - m) * (x[k - lag] - m);
  }
  return num / den;
}
