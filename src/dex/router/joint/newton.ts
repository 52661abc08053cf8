/**
 * Damped Newton (Levenberg–Marquardt) for small bound-constrained convex problems (issue #18's dual solver).
 * The CFMM dual is very ill-conditioned (a deep stable pool reacts to a 1e-6 price change with millions; a
 * small v2 pool barely moves), which first-order and quasi-Newton methods crawl through; its Hessian is cheap
 * and exact per pool (rank one), and the number of tokens is small, so Newton steps are the fast path.
 * Steps solve (H + μ·(diag H + ε·max diag H))·d = −g by Cholesky on the free variables (a variable at its lower
 * bound with the gradient pushing out stays), are projected on the bounds, and are accepted on Armijo's
 * condition; μ shrinks after a success and grows after a failure. The objective may return Infinity.
 * Newton's model is blind where the objective is flat (a price inside every pool's fee band: no trade, zero
 * curvature), and a kink (a pool starting to trade) breaks it, so whenever a Newton step makes poor progress the
 * solver sweeps the coordinates instead: each variable alone is moved to the root of its own (monotone)
 * gradient component, a 1-D bracketed search; that finds the active pools, after which Newton converges fast.
 */
import { findRoot } from '../root.ts';

/** Value at x; writes the gradient into g and the Hessian (n×n row-major, zeroed by the caller) into hess. */
export type NewtonObjective = (x: Float64Array, g: Float64Array, hess: Float64Array) => number;

export interface NewtonResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  /** Largest projected-gradient component at x. */
  readonly pgNorm: number;
}

/** Solves A·d = b in place for symmetric positive definite A (n×n); false when A is not positive definite. */
function cholSolve(A: Float64Array, b: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j]!;
    for (let k = 0; k < j; k++) s -= A[j * n + k]! * A[j * n + k]!;
    if (!(s > 0)) return false;
    const d = Math.sqrt(s);
    A[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j]!;
      for (let k = 0; k < j; k++) t -= A[i * n + k]! * A[j * n + k]!;
      A[i * n + j] = t / d;
    }
  }
  for (let i = 0; i < n; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= A[i * n + k]! * b[k]!;
    b[i] = t / A[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = b[i]!;
    for (let k = i + 1; k < n; k++) t -= A[k * n + i]! * b[k]!;
    b[i] = t / A[i * n + i]!;
  }
  return true;
}

/** Moves each coordinate with a non-negligible gradient to the root of that component (others fixed). */
function sweep(
  fn: NewtonObjective,
  x: Float64Array,
  g: Float64Array,
  lo: Float64Array,
  gtol: number,
  scratch: { g: Float64Array; H: Float64Array },
): number {
  const n = x.length;
  let evals = 0;
  const gk = (k: number, v: number): number => {
    const keep = x[k]!;
    x[k] = v;
    const f = fn(x, scratch.g, scratch.H);
    evals++;
    x[k] = keep;
    return Number.isFinite(f) ? scratch.g[k]! : Number.NaN;
  };
  for (let k = 0; k < n; k++) {
    const g0 = g[k]!;
    if (Math.abs(g0) <= gtol || (x[k]! <= lo[k]! && g0 > 0)) continue;
    // bracket the root of the increasing function v ↦ g_k(v), stepping away from x_k geometrically
    let a = x[k]!;
    let b = x[k]!;
    let ga = g0;
    let gb = g0;
    let step = 1e-4 * Math.max(Math.abs(x[k]!), 1e-6);
    for (let t = 0; t < 60; t++) {
      if (g0 > 0) {
        a = Math.max(lo[k]!, b - step);
        ga = gk(k, a);
        if (!(ga > 0) || a <= lo[k]!) break;
        b = a;
        gb = ga;
      } else {
        b = b + step;
        gb = gk(k, b);
        if (!(gb < 0) || Number.isNaN(gb)) break;
        a = b;
        ga = gb;
      }
      step *= 4;
    }
    if (Number.isNaN(ga) || Number.isNaN(gb)) continue;
    if (g0 > 0 && ga > 0) {
      x[k] = a; // at the bound, still pushing out
      continue;
    }
    x[k] = findRoot(
      (v) => {
        const r = gk(k, v);
        return Number.isNaN(r) ? Number.POSITIVE_INFINITY : r;
      },
      a,
      b,
      1e-12,
      ga,
      gb,
    );
  }
  return evals;
}

export function newtonMinimize(
  fn: NewtonObjective,
  x0: Float64Array,
  o: { readonly lower: Float64Array; readonly gtol: number; readonly maxIter?: number; readonly maxSweeps?: number },
): NewtonResult {
  const n = x0.length;
  const lo = o.lower;
  const x = Float64Array.from(x0, (v, i) => Math.max(v, lo[i]!));
  const g = new Float64Array(n);
  const H = new Float64Array(n * n);
  let f = fn(x, g, H);
  let evaluations = 1;
  {
    const gs = new Float64Array(n);
    const Hs = new Float64Array(n * n);
    evaluations += sweep(fn, x, g, lo, o.gtol, { g: gs, H: Hs });
    H.fill(0);
    f = fn(x, g, H);
    evaluations++;
  }
  const xn = new Float64Array(n);
  const gn = new Float64Array(n);
  const Hn = new Float64Array(n * n);
  const A = new Float64Array(n * n);
  const d = new Float64Array(n);
  const xb = new Float64Array(n);
  const gb = new Float64Array(n);
  const Hb = new Float64Array(n * n);
  const free: number[] = [];
  let mu = 1e-10;
  let it = 0;
  let pgNorm = Number.POSITIVE_INFINITY;
  let stall = 0;
  let sweeps = 0;
  const hist: number[] = [];
  const maxSweeps = o.maxSweeps ?? 50;
  for (; it < (o.maxIter ?? 200); it++) {
    free.length = 0;
    pgNorm = 0;
    let maxDiag = 0;
    for (let i = 0; i < n; i++) {
      if (x[i]! <= lo[i]! && g[i]! > 0) continue;
      free.push(i);
      pgNorm = Math.max(pgNorm, Math.abs(g[i]!));
      maxDiag = Math.max(maxDiag, H[i * n + i]!);
    }
    if (pgNorm <= o.gtol || free.length === 0) break;
    if (!(maxDiag > 0)) maxDiag = 1;
    const m = free.length;
    let accepted = false;
    let solved = false;
    for (let tries = 0; tries < 8 && !solved; tries++) {
      for (let a = 0; a < m; a++) {
        const ia = free[a]!;
        for (let b = 0; b < m; b++) A[a * m + b] = H[ia * n + free[b]!]!;
        A[a * m + a] = A[a * m + a]! + mu * maxDiag;
        d[a] = -g[ia]!;
      }
      solved = cholSolve(A, d, m);
      if (!solved) mu *= 100;
    }
    if (solved) {
      // line search along d: the root of φ'(α) = ∇f(x + αd)·d (φ is convex), bracketed by growing α from 1,
      // refined by false position until |φ'| ≤ 0.1·|φ'(0)|; the best point seen is taken
      const f0 = f;
      let d0 = 0;
      for (let a = 0; a < m; a++) d0 += g[free[a]!]! * d[a]!;
      let bestF = f;
      const trial = (alpha: number): [number, number] => {
        xn.set(x);
        for (let a = 0; a < m; a++) {
          const i = free[a]!;
          xn[i] = Math.max(lo[i]!, x[i]! + alpha * d[a]!);
        }
        Hn.fill(0);
        const ft = fn(xn, gn, Hn);
        evaluations++;
        let dp = 0;
        for (let a = 0; a < m; a++) dp += gn[free[a]!]! * d[a]!;
        if (ft < bestF) {
          bestF = ft;
          xb.set(xn);
          gb.set(gn);
          Hb.set(Hn);
        }
        return [ft, Number.isFinite(ft) ? dp : Number.POSITIVE_INFINITY];
      };
      let a = 0;
      let da = d0;
      let b = 1;
      let [, db] = trial(b);
      const good = Math.abs(db) <= 0.5 * -d0 && bestF < f0; // the Newton step is (nearly) exact along d
      for (let e = 0; e < 30 && db < 0 && !good; e++) {
        a = b;
        da = db;
        b *= 4;
        [, db] = trial(b);
      }
      for (let e = 0; e < 40 && !Number.isFinite(db) && !good; e++) {
        b = a + (b - a) / 4;
        [, db] = trial(b);
      }
      let side = 0;
      for (let e = 0; e < 16 && db > 0 && da < 0 && !good; e++) {
        if (Math.min(-da, db) <= 0.1 * -d0 || b - a <= 1e-12 * b) break;
        const c = b - (db * (b - a)) / (db - da);
        const [, dc] = trial(c > a && c < b ? c : (a + b) / 2);
        const cc = c > a && c < b ? c : (a + b) / 2;
        if (dc < 0) {
          a = cc;
          da = dc;
          if (side === -1) db /= 2;
          side = -1;
        } else {
          b = cc;
          db = dc;
          if (side === 1) da /= 2;
          side = 1;
        }
      }
      if (bestF < f0) {
        accepted = true;
        stall = f0 - bestF <= 1e-15 * Math.abs(f0) ? stall + 1 : 0;
        x.set(xb);
        g.set(gb);
        H.set(Hb);
        f = bestF;
      }
    }
    // slow progress (the gradient not halved in 6 iterations): a kink the model keeps missing
    hist.push(pgNorm);
    const slow = hist.length > 6 && pgNorm > 0.5 * hist[hist.length - 7]!;
    if (!accepted || stall >= 3 || slow) {
      hist.length = 0;
      // Newton is lost (flat or kinked region): one coordinate sweep, then Newton again
      if (sweeps >= maxSweeps) {
        it++;
        break;
      }
      sweeps++;
      evaluations += sweep(fn, x, g, lo, o.gtol, { g: gn, H: Hn });
      H.fill(0);
      f = fn(x, g, H);
      evaluations++;
      stall = 0;
    }
  }
  pgNorm = 0;
  for (let i = 0; i < n; i++) if (!(x[i]! <= lo[i]! && g[i]! > 0)) pgNorm = Math.max(pgNorm, Math.abs(g[i]!));
  return { x, f, iterations: it, evaluations, pgNorm };
}
