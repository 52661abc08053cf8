/**
 * Bound-constrained limited-memory BFGS (issue #18's dual solver), the projected variant: x ≥ lower, the
 * two-loop recursion on the free variables (a variable at its bound whose gradient pushes outwards is held
 * there), a projected Armijo backtracking line search. The objective may return Infinity for a point outside
 * its domain; the line search then backtracks. Convex, piecewise-smooth objectives (CFMM duals) converge fast.
 */

export interface Objective {
  /** Value at x; writes the gradient into g. Infinity outside the domain. */
  (x: Float64Array, g: Float64Array): number;
}

export interface LbfgsbOptions {
  readonly lower: Float64Array;
  /** Stop when every projected-gradient component is below this. */
  readonly gtol: number;
  readonly maxIter?: number;
  readonly memory?: number;
}

export interface LbfgsbResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly g: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  /** Largest projected-gradient component at the end. */
  readonly pgNorm: number;
}

export function lbfgsb(fn: Objective, x0: Float64Array, o: LbfgsbOptions): LbfgsbResult {
  const n = x0.length;
  const m = o.memory ?? 8;
  const maxIter = o.maxIter ?? 500;
  const lo = o.lower;
  let x = Float64Array.from(x0, (v, i) => Math.max(v, lo[i]!));
  let g = new Float64Array(n);
  let f = fn(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  const d = new Float64Array(n);
  const pg = new Float64Array(n);
  let xn = new Float64Array(n);
  let gn = new Float64Array(n);
  let it = 0;
  let pgNorm = Number.POSITIVE_INFINITY;
  let stall = 0;
  for (; it < maxIter; it++) {
    pgNorm = 0;
    for (let i = 0; i < n; i++) {
      const held = x[i]! <= lo[i]! && g[i]! > 0;
      pg[i] = held ? 0 : g[i]!;
      pgNorm = Math.max(pgNorm, Math.abs(pg[i]!));
    }
    if (pgNorm <= o.gtol) break;
    // two-loop recursion on the free variables
    for (let i = 0; i < n; i++) d[i] = pg[i]!;
    for (let k = S.length - 1; k >= 0; k--) {
      let a = 0;
      const s = S[k]!;
      for (let i = 0; i < n; i++) if (pg[i] !== 0) a += s[i]! * d[i]!;
      a *= rho[k]!;
      alpha[k] = a;
      const y = Y[k]!;
      for (let i = 0; i < n; i++) if (pg[i] !== 0) d[i] = d[i]! - a * y[i]!;
    }
    let gamma = 1;
    if (S.length > 0) {
      const s = S[S.length - 1]!;
      const y = Y[S.length - 1]!;
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += s[i]! * y[i]!;
        yy += y[i]! * y[i]!;
      }
      gamma = sy / yy;
    } else gamma = 1 / Math.max(1, pgNorm);
    for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    for (let k = 0; k < S.length; k++) {
      let b = 0;
      const y = Y[k]!;
      for (let i = 0; i < n; i++) if (pg[i] !== 0) b += y[i]! * d[i]!;
      b *= rho[k]!;
      const s = S[k]!;
      for (let i = 0; i < n; i++) if (pg[i] !== 0) d[i] = d[i]! + s[i]! * (alpha[k]! - b);
    }
    let slope = 0;
    for (let i = 0; i < n; i++) {
      d[i] = pg[i] === 0 ? 0 : -d[i]!;
      slope += d[i]! * pg[i]!;
    }
    if (!(slope < 0)) {
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -pg[i]! / Math.max(1, pgNorm);
    }
    // projected backtracking (Armijo on the actual step)
    let step = 1;
    let fnew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      let dec = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.max(lo[i]!, x[i]! + step * d[i]!);
        xn[i] = v;
        dec += g[i]! * (v - x[i]!);
      }
      fnew = fn(xn, gn);
      evaluations++;
      if (fnew <= f + 1e-4 * dec) {
        accepted = true;
        break;
      }
      step *= k === 0 && !Number.isFinite(fnew) ? 0.1 : 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
      sy += s[i]! * y[i]!;
    }
    if (sy > 1e-300) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    stall = f - fnew <= 1e-16 * Math.abs(f) ? stall + 1 : 0;
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    f = fnew;
    if (stall >= 4) break;
  }
  return { x, f, g, iterations: it, evaluations, pgNorm };
}
