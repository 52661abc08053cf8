/** Small dense linear algebra for target computations (n ≤ a few dozen). Row-major n×n matrices. */

/** Solves A x = b by Gaussian elimination with partial pivoting; null when A is singular. */
export function solve(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const M = Float64Array.from(A);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]!) > Math.abs(M[p * n + c]!)) p = r;
    const pivot = M[p * n + c]!;
    if (Math.abs(pivot) < 1e-300) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const tmp = M[c * n + k]!;
        M[c * n + k] = M[p * n + k]!;
        M[p * n + k] = tmp;
      }
      const tb = x[c]!;
      x[c] = x[p]!;
      x[p] = tb;
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c]! / pivot;
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] = M[r * n + k]! - f * M[c * n + k]!;
      x[r] = x[r]! - f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= M[r * n + k]! * x[k]!;
    x[r] = s / M[r * n + r]!;
  }
  return x;
}

/**
 * Sample covariance (n−1 denominator) of simple returns over bars [from, to] of a row-major T×n price
 * matrix (returns from bar from+1 to bar to). Returns null with fewer than 2 returns.
 */
export function sampleCovariance(prices: Float64Array, n: number, from: number, to: number): Float64Array | null {
  const k = to - from;
  if (k < 2) return null;
  const mean = new Float64Array(n);
  const r = new Float64Array(k * n);
  for (let t = from + 1; t <= to; t++) {
    for (let i = 0; i < n; i++) {
      const x = prices[t * n + i]! / prices[(t - 1) * n + i]! - 1;
      r[(t - from - 1) * n + i] = x;
      mean[i] = mean[i]! + x / k;
    }
  }
  const cov = new Float64Array(n * n);
  for (let s = 0; s < k; s++) {
    for (let i = 0; i < n; i++) {
      const di = r[s * n + i]! - mean[i]!;
      for (let j = i; j < n; j++) cov[i * n + j] = cov[i * n + j]! + (di * (r[s * n + j]! - mean[j]!)) / (k - 1);
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) cov[i * n + j] = cov[j * n + i]!;
  return cov;
}
