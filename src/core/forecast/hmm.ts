/**
 * A two-state Gaussian hidden Markov regime model of returns (Hamilton 1989): state sₜ ∈ {0, 1} follows a
 * Markov chain with transition matrix A (Aᵢⱼ = P(sₜ₊₁ = j | sₜ = i)) and rₜ | sₜ = k ~ N(μₖ, σ²ₖ).
 * Fitted by Baum–Welch (EM) with the scaled forward–backward recursions; filtered by the forward
 * recursion alone, fₜ(k) = P(sₜ = k | r₁…rₜ). State 0 is the calm one (σ²₀ ≤ σ²₁). The one-step
 * forecast is E[r²ₜ₊₁ | r₁…rₜ] = Σₖ pₖ(σ²ₖ + μ²ₖ) with p = fₜA.
 */
import { requireReturns } from './returns.ts';
import type { OnlineModel } from './types.ts';

export const HMM_MIN_RETURNS = 50;

export interface HmmParams {
  readonly mu: readonly [number, number];
  readonly variance: readonly [number, number];
  /** Row-major 2 × 2: [A₀₀, A₀₁, A₁₀, A₁₁]. */
  readonly trans: readonly [number, number, number, number];
  readonly init: readonly [number, number];
}

export interface HmmFit extends HmmParams {
  readonly loglik: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const LN_2PI = Math.log(2 * Math.PI);

function logDensity(x: number, mu: number, v: number): number {
  const d = x - mu;
  return -0.5 * (LN_2PI + Math.log(v) + (d * d) / v);
}

/**
 * The forward filter over r[from…to): log-likelihood and the last filtered probabilities; `filtered`
 * (length ≥ 2(to − from)) receives fₜ(0), fₜ(1) per return when given.
 */
export function hmmFilter(
  p: HmmParams,
  r: Float64Array,
  from: number,
  to: number,
  filtered?: Float64Array,
): { loglik: number; f0: number; f1: number } {
  let f0 = Number.NaN;
  let f1 = Number.NaN;
  let ll = 0;
  for (let t = from; t < to; t++) {
    const q0 = t === from ? p.init[0] : f0 * p.trans[0] + f1 * p.trans[2];
    const q1 = t === from ? p.init[1] : f0 * p.trans[1] + f1 * p.trans[3];
    const l0 = logDensity(r[t]!, p.mu[0], p.variance[0]);
    const l1 = logDensity(r[t]!, p.mu[1], p.variance[1]);
    const mx = Math.max(l0, l1);
    const a0 = q0 * Math.exp(l0 - mx);
    const a1 = q1 * Math.exp(l1 - mx);
    const c = a0 + a1;
    ll += mx + Math.log(c);
    f0 = a0 / c;
    f1 = a1 / c;
    if (filtered) {
      filtered[2 * (t - from)] = f0;
      filtered[2 * (t - from) + 1] = f1;
    }
  }
  return { loglik: ll, f0, f1 };
}

/** E[r²] of the next return from the filtered probabilities of the last one. */
export function hmmForecast(p: HmmParams, f0: number, f1: number): number {
  const p0 = f0 * p.trans[0] + f1 * p.trans[2];
  const p1 = f0 * p.trans[1] + f1 * p.trans[3];
  return p0 * (p.variance[0] + p.mu[0] ** 2) + p1 * (p.variance[1] + p.mu[1] ** 2);
}

export interface HmmFitOptions {
  readonly maxIter?: number;
  /** Stop when the log-likelihood gains less than tol·|ℓ| in an iteration. Default 1e-10. */
  readonly tol?: number;
  readonly start?: HmmParams;
}

/** Baum–Welch on r[from…to), from `start` or from a split of the returns at the median of r². */
export function fitHmm(r: Float64Array, from = 0, to = r.length, o: HmmFitOptions = {}): HmmFit {
  requireReturns('hmm', r, from, to, HMM_MIN_RETURNS);
  const x = r.subarray(from, to);
  const n = x.length;
  const maxIter = o.maxIter ?? 500;
  const tol = o.tol ?? 1e-10;
  let p = o.start ?? initialGuess(x);
  const floor = 1e-8 * overallVariance(x) + 1e-300;
  const ws = { alpha: new Float64Array(2 * n), beta: new Float64Array(2 * n), lb: new Float64Array(2 * n) };
  let ll = Number.NEGATIVE_INFINITY;
  let it = 0;
  let converged = false;
  for (; it < maxIter; it++) {
    const step = emStep(p, x, ws, floor);
    const gain = step.loglik - ll;
    ll = step.loglik;
    p = step.next;
    if (gain >= 0 && gain <= tol * Math.abs(ll)) {
      converged = true;
      it++;
      break;
    }
  }
  const ordered = orderStates(p);
  return { ...ordered, loglik: hmmFilter(ordered, x, 0, n).loglik, iterations: it, converged };
}

interface Workspace {
  readonly alpha: Float64Array;
  readonly beta: Float64Array;
  readonly lb: Float64Array;
}

/** One EM iteration: the log-likelihood at p (from the forward pass) and the re-estimated parameters. */
function emStep(p: HmmParams, x: Float64Array, ws: Workspace, floor: number): { loglik: number; next: HmmParams } {
  const n = x.length;
  const { alpha, beta, lb } = ws;
  const A = p.trans;
  // Densities scaled per return by their larger value (the scale cancels in γ and ξ).
  let ll = 0;
  for (let t = 0; t < n; t++) {
    const l0 = logDensity(x[t]!, p.mu[0], p.variance[0]);
    const l1 = logDensity(x[t]!, p.mu[1], p.variance[1]);
    const mx = Math.max(l0, l1);
    lb[2 * t] = Math.exp(l0 - mx);
    lb[2 * t + 1] = Math.exp(l1 - mx);
    const q0 = t === 0 ? p.init[0] : alpha[2 * t - 2]! * A[0] + alpha[2 * t - 1]! * A[2];
    const q1 = t === 0 ? p.init[1] : alpha[2 * t - 2]! * A[1] + alpha[2 * t - 1]! * A[3];
    const a0 = q0 * lb[2 * t]!;
    const a1 = q1 * lb[2 * t + 1]!;
    const c = a0 + a1;
    ll += mx + Math.log(c);
    alpha[2 * t] = a0 / c;
    alpha[2 * t + 1] = a1 / c;
  }
  beta[2 * n - 2] = 1;
  beta[2 * n - 1] = 1;
  const xi = [0, 0, 0, 0];
  for (let t = n - 2; t >= 0; t--) {
    const e0 = lb[2 * t + 2]! * beta[2 * t + 2]!;
    const e1 = lb[2 * t + 3]! * beta[2 * t + 3]!;
    const b0 = A[0] * e0 + A[1] * e1;
    const b1 = A[2] * e0 + A[3] * e1;
    const a0 = alpha[2 * t]!;
    const a1 = alpha[2 * t + 1]!;
    const z = a0 * b0 + a1 * b1; // normalises ξₜ to sum 1
    xi[0] += (a0 * A[0] * e0) / z;
    xi[1] += (a0 * A[1] * e1) / z;
    xi[2] += (a1 * A[2] * e0) / z;
    xi[3] += (a1 * A[3] * e1) / z;
    const s = b0 + b1;
    beta[2 * t] = b0 / s;
    beta[2 * t + 1] = b1 / s;
  }
  return { loglik: ll, next: mStep(x, alpha, beta, xi, floor) };
}

function mStep(x: Float64Array, alpha: Float64Array, beta: Float64Array, xi: number[], floor: number): HmmParams {
  const n = x.length;
  let w0 = 0;
  let w1 = 0;
  let s0 = 0;
  let s1 = 0;
  let q0 = 0;
  let q1 = 0;
  let first: [number, number] = [0.5, 0.5];
  for (let t = 0; t < n; t++) {
    const g0u = alpha[2 * t]! * beta[2 * t]!;
    const g1u = alpha[2 * t + 1]! * beta[2 * t + 1]!;
    const g0 = g0u / (g0u + g1u);
    const g1 = 1 - g0;
    if (t === 0) first = [g0, g1];
    w0 += g0;
    w1 += g1;
    s0 += g0 * x[t]!;
    s1 += g1 * x[t]!;
    q0 += g0 * x[t]! * x[t]!;
    q1 += g1 * x[t]! * x[t]!;
  }
  const mu0 = s0 / w0;
  const mu1 = s1 / w1;
  const r0 = xi[0]! + xi[1]!;
  const r1 = xi[2]! + xi[3]!;
  return {
    mu: [mu0, mu1],
    variance: [Math.max(q0 / w0 - mu0 * mu0, floor), Math.max(q1 / w1 - mu1 * mu1, floor)],
    trans: [xi[0]! / r0, xi[1]! / r0, xi[2]! / r1, xi[3]! / r1],
    init: first,
  };
}

function overallVariance(x: Float64Array): number {
  let s = 0;
  let q = 0;
  for (let t = 0; t < x.length; t++) {
    s += x[t]!;
    q += x[t]! * x[t]!;
  }
  const m = s / x.length;
  return Math.max(q / x.length - m * m, 0);
}

/** Calm state: returns with r² at or below the median; turbulent: the rest. Sticky transitions. */
function initialGuess(x: Float64Array): HmmParams {
  const sq = Float64Array.from(x, (v) => v * v).sort();
  const med = sq[sq.length >> 1]!;
  const g = [
    { w: 0, s: 0, q: 0 },
    { w: 0, s: 0, q: 0 },
  ];
  for (let t = 0; t < x.length; t++) {
    const k = x[t]! * x[t]! <= med ? 0 : 1;
    g[k]!.w++;
    g[k]!.s += x[t]!;
    g[k]!.q += x[t]! * x[t]!;
  }
  const mu = g.map((k) => (k.w > 0 ? k.s / k.w : 0));
  const v = g.map((k, i) => (k.w > 0 ? Math.max(k.q / k.w - mu[i]! ** 2, 0) : 0));
  const all = overallVariance(x) || 1e-12;
  return {
    mu: [mu[0]!, mu[1]!],
    variance: [v[0]! || all / 4, v[1]! || all * 4],
    trans: [0.95, 0.05, 0.05, 0.95],
    init: [0.5, 0.5],
  };
}

function orderStates(p: HmmParams): HmmParams {
  if (p.variance[0] <= p.variance[1]) return p;
  return {
    mu: [p.mu[1], p.mu[0]],
    variance: [p.variance[1], p.variance[0]],
    trans: [p.trans[3], p.trans[2], p.trans[1], p.trans[0]],
    init: [p.init[1], p.init[0]],
  };
}

export interface HmmState {
  params: HmmParams;
  f0: number;
  f1: number;
  next: number;
}

/** The HMM for the rolling forecaster: refits warm-started from the previous fit. */
export const hmmModel: OnlineModel<HmmState> = {
  name: 'hmm',
  minReturns: HMM_MIN_RETURNS,
  fit(r, from, to, prev) {
    const params = fitHmm(r, from, to, { start: prev?.params, maxIter: 200, tol: 1e-8 });
    return { params, f0: Number.NaN, f1: Number.NaN, next: Number.NaN };
  },
  replay(s, r, from, to) {
    const f = hmmFilter(s.params, r, from, to);
    s.f0 = f.f0;
    s.f1 = f.f1;
    s.next = hmmForecast(s.params, f.f0, f.f1);
    return s.next;
  },
  step(s, x) {
    const p = s.params;
    const q0 = s.f0 * p.trans[0] + s.f1 * p.trans[2];
    const q1 = s.f0 * p.trans[1] + s.f1 * p.trans[3];
    const l0 = logDensity(x, p.mu[0], p.variance[0]);
    const l1 = logDensity(x, p.mu[1], p.variance[1]);
    const mx = Math.max(l0, l1);
    const a0 = q0 * Math.exp(l0 - mx);
    const a1 = q1 * Math.exp(l1 - mx);
    s.f0 = a0 / (a0 + a1);
    s.f1 = a1 / (a0 + a1);
    s.next = hmmForecast(p, s.f0, s.f1);
    return s.next;
  },
};
