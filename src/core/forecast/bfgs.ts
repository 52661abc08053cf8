/**
 * A small BFGS minimiser (Nocedal & Wright, algorithm 6.1) with a backtracking Armijo line search, for the
 * fits' smooth unconstrained objectives (a handful of parameters). `f(x, g)` returns the objective and
 * writes its gradient into g; a non-finite value is treated as +∞ (the line search backs off).
 */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface MinimizeOptions {
  /** Stop when the largest |gradient| entry is below this. Default 1e-9. */
  readonly gradTol?: number;
  readonly maxIter?: number;
}

export function minimizeBfgs(f: Objective, x0: Float64Array, o: MinimizeOptions = {}): MinimizeResult {
  const k = x0.length;
  const gradTol = o.gradTol ?? 1e-9;
  const maxIter = o.maxIter ?? 200;
  const x = Float64Array.from(x0);
  const g = new Float64Array(k);
  let fx = f(x, g);
  const H = identity(k);
  const d = new Float64Array(k);
  const xn = new Float64Array(k);
  const gn = new Float64Array(k);
  const s = new Float64Array(k);
  const yv = new Float64Array(k);
  const Hy = new Float64Array(k);
  let it = 0;
  let converged = maxAbs(g) < gradTol;
  for (; it < maxIter && !converged; it++) {
    mulVec(H, g, d, k, -1);
    let slope = dot(g, d);
    if (!(slope < 0)) {
      H.set(identity(k)); // not a descent direction: restart from steepest descent
      mulVec(H, g, d, k, -1);
      slope = dot(g, d);
    }
    let step = 1;
    let fn = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 60; tries++) {
      for (let i = 0; i < k; i++) xn[i] = x[i]! + step * d[i]!;
      fn = f(xn, gn);
      if (Number.isFinite(fn) && fn <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(Number.isFinite(fn) && fn <= fx)) break; // no progress possible: x is as good as it gets
    for (let i = 0; i < k; i++) {
      s[i] = xn[i]! - x[i]!;
      yv[i] = gn[i]! - g[i]!;
    }
    const change = fx - fn;
    x.set(xn);
    g.set(gn);
    fx = fn;
    converged = maxAbs(g) < gradTol || (change <= 1e-15 * Math.abs(fx) && maxAbs(s) < 1e-12);
    updateInverseHessian(H, s, yv, Hy, k);
  }
  return { x, value: fx, iterations: it, converged };
}

/** H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ with ρ = 1/yᵀs, skipped when yᵀs ≤ 0 (curvature condition fails). */
function updateInverseHessian(H: Float64Array, s: Float64Array, y: Float64Array, Hy: Float64Array, k: number): void {
  const ys = dot(y, s);
  if (!(ys > 1e-300)) return;
  const rho = 1 / ys;
  mulVec(H, y, Hy, k, 1);
  const yHy = dot(y, Hy);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      H[i * k + j] = H[i * k + j]! - rho * (Hy[i]! * s[j]! + s[i]! * Hy[j]!) + (rho * rho * yHy + rho) * s[i]! * s[j]!;
}

function identity(k: number): Float64Array {
  const m = new Float64Array(k * k);
  for (let i = 0; i < k; i++) m[i * k + i] = 1;
  return m;
}

function mulVec(m: Float64Array, v: Float64Array, out: Float64Array, k: number, sign: number): void {
  for (let i = 0; i < k; i++) {
    let acc = 0;
    for (let j = 0; j < k; j++) acc += m[i * k + j]! * v[j]!;
    out[i] = sign * acc;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
