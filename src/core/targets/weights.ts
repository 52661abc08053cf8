import { solve } from './linalg.ts';

/**
 * Dynamic target weights of the Markowitz family, from a per-bar covariance Σ (n×n). Each returns
 * long-only weights summing to 1. Pure functions: the backtester and the service call them at each
 * rebalance with a trailing-window estimate.
 */

export function equalWeights(n: number): Float64Array {
  return new Float64Array(n).fill(1 / n);
}

/** wᵢ ∝ 1/σᵢ (an asset with σ = 0 takes everything it shares with other zero-σ assets). */
export function inverseVolatility(cov: Float64Array, n: number): Float64Array {
  const w = new Float64Array(n);
  let zero = 0;
  for (let i = 0; i < n; i++) if (!(cov[i * n + i]! > 0)) zero++;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = cov[i * n + i]!;
    w[i] = zero > 0 ? (v > 0 ? 0 : 1) : 1 / Math.sqrt(v);
    s += w[i]!;
  }
  for (let i = 0; i < n; i++) w[i] = w[i]! / s;
  return w;
}

/**
 * Equal risk contribution: wᵢ(Σw)ᵢ equal for all i. Cyclical coordinate descent on
 * ½xᵀΣx − Σ bᵢ log xᵢ (Griveau-Billion, Richard & Roncalli 2013), then normalized.
 */
export function equalRiskContribution(cov: Float64Array, n: number, tol = 1e-12, maxIter = 10_000): Float64Array {
  const x = inverseVolatility(cov, n);
  const b = 1 / n;
  for (let it = 0; it < maxIter; it++) {
    let change = 0;
    for (let i = 0; i < n; i++) {
      const a = cov[i * n + i]!;
      if (!(a > 0)) continue;
      let c = 0;
      for (let j = 0; j < n; j++) if (j !== i) c += cov[i * n + j]! * x[j]!;
      const xi = (-c + Math.sqrt(c * c + 4 * a * b)) / (2 * a);
      change = Math.max(change, Math.abs(xi - x[i]!));
      x[i] = xi;
    }
    if (change < tol) break;
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  for (let i = 0; i < n; i++) x[i] = x[i]! / s;
  return x;
}

/**
 * Long-only minimum variance: min wᵀΣw s.t. Σw = 1, w ≥ 0, by an active-set method: solve the
 * equality-constrained problem on the free set, drop the most negative weight, and re-admit any
 * excluded asset whose KKT condition (Σw)ⱼ ≥ λ fails, until the KKT conditions hold.
 */
export function minimumVariance(cov: Float64Array, n: number): Float64Array {
  const free = new Array<boolean>(n).fill(true);
  for (let iter = 0; iter < 4 * n + 10; iter++) {
    const idx = free.flatMap((f, i) => (f ? [i] : []));
    const m = idx.length;
    const A = new Float64Array(m * m);
    for (let a = 0; a < m; a++) for (let c = 0; c < m; c++) A[a * m + c] = cov[idx[a]! * n + idx[c]!]!;
    for (let a = 0; a < m; a++) A[a * m + a] = A[a * m + a]! + 1e-18; // keeps a singular Σ solvable
    const y = solve(A, new Float64Array(m).fill(1), m);
    if (y === null) return equalWeights(n);
    let s = 0;
    for (let a = 0; a < m; a++) s += y[a]!;
    const w = new Float64Array(n);
    for (let a = 0; a < m; a++) w[idx[a]!] = y[a]! / s;
    let worst = -1;
    for (let a = 0; a < m; a++) if (w[idx[a]!]! < 0 && (worst < 0 || w[idx[a]!]! < w[worst]!)) worst = idx[a]!;
    if (worst >= 0) {
      free[worst] = false;
      continue;
    }
    // KKT: λ = 2(Σw)ᵢ on the free set; an excluded j must have (Σw)ⱼ ≥ (Σw)ᵢ.
    const sw = (j: number) => {
      let v = 0;
      for (let k = 0; k < n; k++) v += cov[j * n + k]! * w[k]!;
      return v;
    };
    const lambda = sw(idx[0]!);
    let readmit = -1;
    for (let j = 0; j < n; j++) if (!free[j] && sw(j) < lambda * (1 - 1e-12)) readmit = j;
    if (readmit < 0) return w;
    free[readmit] = true;
  }
  return equalWeights(n);
}
