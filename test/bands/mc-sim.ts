/**
 * Monte Carlo of the no-trade band on GBM (issue #27's test): one risky asset and cash, target weight w*,
 * the asset a GBM with volatility σ and drift μ = w*σ² (so the weight has no drift at the target). With
 * common random numbers, every half-width h of a grid runs on the same path; the policy trades the weight
 * back to the nearer edge of |w − w*| ≤ h after each step, and the objective per year is exactly
 *   J(h) = (κ/2)·(1/Y)∫(w − w*)² dt + c·(weight traded)/Y.
 */
import { Xoshiro128 } from '../../src/backtest/synthetic/prng.ts';

export interface McCase {
  readonly sigma: number;
  readonly wStar: number;
  readonly c: number;
  readonly kappa: number;
  /** Half-widths to try. */
  readonly grid: Float64Array;
  /** Time step (years) and number of steps per batch, and batches. */
  readonly dt: number;
  readonly steps: number;
  readonly batches: number;
  readonly seed: number;
}

/** J(h) per batch: a batches × grid matrix (row-major). */
export function simulateObjective(k: McCase): Float64Array {
  const g = k.grid.length;
  const out = new Float64Array(k.batches * g);
  const rng = new Xoshiro128(k.seed);
  const drift = (k.wStar * k.sigma * k.sigma - 0.5 * k.sigma * k.sigma) * k.dt;
  const vol = k.sigma * Math.sqrt(k.dt);
  const w = new Float64Array(g);
  const loss = new Float64Array(g);
  const traded = new Float64Array(g);
  const ws = k.wStar;
  w.fill(ws);
  for (let b = 0; b < k.batches; b++) {
    loss.fill(0);
    traded.fill(0);
    for (let s = 0; s < k.steps; s++) {
      const gr = Math.exp(drift + vol * rng.nextNormal());
      for (let j = 0; j < g; j++) {
        const x0 = w[j]! - ws;
        loss[j] = loss[j]! + x0 * x0;
        const a = w[j]! * gr;
        let x = a / (a + 1 - w[j]!) - ws;
        const h = k.grid[j]!;
        if (x > h) {
          traded[j] = traded[j]! + (x - h);
          x = h;
        } else if (x < -h) {
          traded[j] = traded[j]! + (-h - x);
          x = -h;
        }
        w[j] = ws + x;
      }
    }
    const years = k.steps * k.dt;
    for (let j = 0; j < g; j++) out[b * g + j] = 0.5 * k.kappa * loss[j]! * (k.dt / years) + (k.c * traded[j]!) / years;
  }
  return out;
}

/** Solves the small dense system A x = y (Gaussian elimination with partial pivoting); A is m×m. */
function solve(A: number[][], y: number[]): number[] {
  const m = y.length;
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    [y[c], y[p]] = [y[p]!, y[c]!];
    for (let r = c + 1; r < m; r++) {
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < m; k++) A[r]![k] = A[r]![k]! - f * A[c]![k]!;
      y[r] = y[r]! - f * y[c]!;
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = y[r]!;
    for (let k = r + 1; k < m; k++) s -= A[r]![k]! * x[k]!;
    x[r] = s / A[r]![r]!;
  }
  return x;
}

/**
 * The minimiser of J over the grid: a cubic in u = ln(h/h₀) fitted by least squares to (u, J), its
 * stationary point with positive curvature nearest u = 0, as h₀·e^u.
 */
export function fittedMinimum(grid: Float64Array, J: Float64Array, h0: number): number {
  const A = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  const y = [0, 0, 0, 0];
  for (let j = 0; j < grid.length; j++) {
    const u = Math.log(grid[j]! / h0);
    const pw = [1, u, u * u, u * u * u];
    for (let a = 0; a < 4; a++) {
      y[a] = y[a]! + pw[a]! * J[j]!;
      for (let b = 0; b < 4; b++) A[a]![b] = A[a]![b]! + pw[a]! * pw[b]!;
    }
  }
  const [, a1, a2, a3] = solve(A, y) as [number, number, number, number];
  // a1 + 2a2u + 3a3u² = 0, the root where 2a2 + 6a3u > 0.
  let u: number;
  if (Math.abs(a3) < 1e-14 * Math.abs(a2)) u = -a1 / (2 * a2);
  else {
    const disc = Math.sqrt(Math.max(0, 4 * a2 * a2 - 12 * a3 * a1));
    const r1 = (-2 * a2 + disc) / (6 * a3);
    const r2 = (-2 * a2 - disc) / (6 * a3);
    u = 2 * a2 + 6 * a3 * r1 > 0 ? r1 : r2;
  }
  return h0 * Math.exp(u);
}

/** The best half-width per batch, their mean and standard error. */
export function bestWidth(k: McCase, h0: number): { mean: number; se: number; perBatch: number[] } {
  const J = simulateObjective(k);
  const g = k.grid.length;
  const perBatch: number[] = [];
  for (let b = 0; b < k.batches; b++) perBatch.push(fittedMinimum(k.grid, J.subarray(b * g, (b + 1) * g), h0));
  const mean = perBatch.reduce((s, x) => s + x, 0) / perBatch.length;
  const v = perBatch.reduce((s, x) => s + (x - mean) ** 2, 0) / (perBatch.length - 1);
  return { mean, se: Math.sqrt(v / perBatch.length), perBatch };
}

/** Least-squares slope of y on x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}
