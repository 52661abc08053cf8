/**
 * GARCH(1,1) with zero mean (Bollerslev 1986), fitted by maximum likelihood:
 *   rₜ = σₜzₜ, zₜ ~ N(0, 1),  σ²ₜ = ω + α·r²ₜ₋₁ + β·σ²ₜ₋₁,  σ²₁ = ω + (α + β)·b,
 *   ℓ = −½ Σₜ (ln 2π + ln σ²ₜ + r²ₜ/σ²ₜ),
 * b the `arch` library's backcast (garchBackcast). ω > 0, α, β ≥ 0, α + β < 1 are kept by fitting
 * θ = (ln ω, logit(α + β), logit(α/(α + β))) with BFGS on the analytic gradient, after scaling the
 * returns to unit mean square (ω scales with it; α, β do not). Standard errors: the square roots of the
 * diagonal of the inverse Hessian of −ℓ at the optimum (Hessian by central differences of the gradient).
 */
import { minimizeBfgs } from './bfgs.ts';
import { invert } from './linalg.ts';
import { requireReturns } from './returns.ts';
import { ForecastInputError, type OnlineModel } from './types.ts';

export interface GarchParams {
  readonly omega: number;
  readonly alpha: number;
  readonly beta: number;
}

export interface GarchFit extends GarchParams {
  readonly loglik: number;
  /** σ² of the last return of the window and the one-step forecast for the return after it. */
  readonly last: number;
  readonly forecast: number;
  readonly n: number;
  /** Standard errors of ω, α, β (NaN when the Hessian is not invertible, e.g. on a boundary). */
  readonly se: GarchParams;
  readonly converged: boolean;
}

/** Fewest returns a GARCH fit accepts. */
export const GARCH_MIN_RETURNS = 50;
const LN_2PI = Math.log(2 * Math.PI);

/** b = Σᵢ 0.94ⁱr²ᵢ₊₁ / Σᵢ 0.94ⁱ over the first τ = min(75, n) returns of r[from…to). */
export function garchBackcast(r: Float64Array, from: number, to: number): number {
  const tau = Math.min(75, to - from);
  let w = 1;
  let num = 0;
  let den = 0;
  for (let i = 0; i < tau; i++) {
    num += w * r[from + i]! * r[from + i]!;
    den += w;
    w *= 0.94;
  }
  return num / den;
}

/**
 * ℓ at (ω, α, β) for r[from…to) with backcast b, and (when `grad` is given) its gradient with respect to
 * (ω, α, β) written into grad[0…3). `sig2` (optional, length ≥ to − from + 1) receives σ²₁…σ²ₙ₊₁.
 */
export function garchLoglik(
  p: GarchParams,
  r: Float64Array,
  from: number,
  to: number,
  b: number,
  grad?: Float64Array,
  sig2?: Float64Array,
): number {
  const { omega, alpha, beta } = p;
  let h = omega + (alpha + beta) * b;
  let dw = 1;
  let da = b;
  let db = b;
  let ll = 0;
  let gw = 0;
  let ga = 0;
  let gb = 0;
  for (let t = from; t < to; t++) {
    const x = r[t]!;
    const x2 = x * x;
    if (sig2) sig2[t - from] = h;
    ll += Math.log(h) + x2 / h;
    const c = 1 / h - x2 / (h * h); // −2·∂ℓₜ/∂σ²ₜ
    gw += c * dw;
    ga += c * da;
    gb += c * db;
    dw = 1 + beta * dw;
    da = x2 + beta * da;
    db = h + beta * db;
    h = omega + alpha * x2 + beta * h;
  }
  if (sig2) sig2[to - from] = h;
  if (grad) {
    grad[0] = -0.5 * gw;
    grad[1] = -0.5 * ga;
    grad[2] = -0.5 * gb;
  }
  return -0.5 * ((to - from) * LN_2PI + ll);
}

/** σ² of the last return of r[from…to) and the forecast for the next one, at p (with the window's backcast). */
export function garchFilter(p: GarchParams, r: Float64Array, from: number, to: number): { last: number; next: number } {
  const b = garchBackcast(r, from, to);
  let h = p.omega + (p.alpha + p.beta) * b;
  let last = h;
  for (let t = from; t < to; t++) {
    last = h;
    h = p.omega + p.alpha * r[t]! * r[t]! + p.beta * h;
  }
  return { last, next: h };
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

/** (ω, α, β) from θ = (ln ω, logit(α + β), logit(α/(α + β))). */
function fromTheta(th: Float64Array): GarchParams {
  const p = logistic(th[1]!);
  const a = logistic(th[2]!);
  return { omega: Math.exp(th[0]!), alpha: p * a, beta: p * (1 - a) };
}

function toTheta(q: GarchParams): Float64Array {
  const p = Math.min(Math.max(q.alpha + q.beta, 1e-6), 1 - 1e-9);
  const a = Math.min(Math.max(q.alpha / (q.alpha + q.beta || 1), 1e-9), 1 - 1e-9);
  return Float64Array.of(Math.log(q.omega), logit(p), logit(a));
}

const STARTS: readonly (readonly [number, number])[] = [
  [0.05, 0.9],
  [0.1, 0.85],
  [0.15, 0.75],
  [0.05, 0.6],
  [0.2, 0.5],
  [0.35, 0.6],
  [0.6, 0.35],
  [0.8, 0.15],
];
/** BFGS runs from this many of the best grid points (a likelihood can have two maxima near α + β = 1). */
const RUNS = 2;

/** Maximum-likelihood GARCH(1,1) on r[from…to); `start` (e.g. the previous fit) joins the starting points. */
export function fitGarch(r: Float64Array, from = 0, to = r.length, start?: GarchParams): GarchFit {
  requireReturns('garch', r, from, to, GARCH_MIN_RETURNS);
  const n = to - from;
  let ms = 0;
  for (let t = from; t < to; t++) ms += r[t]! * r[t]!;
  ms /= n;
  if (!(ms > 0)) throw new ForecastInputError('garch: every return is 0 (constant prices): no variance to model');
  const s = Math.sqrt(ms);
  const x = new Float64Array(n);
  for (let t = 0; t < n; t++) x[t] = r[from + t]! / s;
  const b = garchBackcast(x, 0, n);
  const g3 = new Float64Array(3);
  const objective = (th: Float64Array, g: Float64Array): number => {
    const q = fromTheta(th);
    const ll = garchLoglik(q, x, 0, n, b, g3);
    chainToTheta(th, q, g3, g, -1 / n);
    return -ll / n;
  };
  // BFGS from the best grid points, and from `start` too when given; the highest likelihood wins.
  const ranked = STARTS.map(([alpha, beta]) => ({ omega: 1 - alpha - beta, alpha, beta }))
    .map((c) => ({ c, ll: garchLoglik(c, x, 0, n, b) }))
    .sort((p, q) => q.ll - p.ll);
  let res = minimizeBfgs(objective, toTheta(ranked[0]!.c), { gradTol: 1e-9, maxIter: 300 });
  for (let k = 1; k < RUNS; k++) {
    const other = minimizeBfgs(objective, toTheta(ranked[k]!.c), { gradTol: 1e-9, maxIter: 300 });
    if (other.value < res.value) res = other;
  }
  if (start) {
    const warm = minimizeBfgs(objective, toTheta({ omega: start.omega / ms, alpha: start.alpha, beta: start.beta }), {
      gradTol: 1e-9,
      maxIter: 300,
    });
    if (warm.value < res.value) res = warm;
  }
  const q = fromTheta(res.x);
  const params = { omega: q.omega * ms, alpha: q.alpha, beta: q.beta };
  const loglik = garchLoglik(params, r, from, to, garchBackcast(r, from, to));
  const { last, next } = garchFilter(params, r, from, to);
  const se = standardErrors(q, x, n, b, ms);
  return { ...params, loglik, last, forecast: next, n, se, converged: res.converged };
}

/** g ← scale·∂ℓ/∂θ from ∂ℓ/∂(ω, α, β) = d. */
function chainToTheta(th: Float64Array, q: GarchParams, d: Float64Array, g: Float64Array, scale: number): void {
  const p = q.alpha + q.beta;
  const a = logistic(th[2]!);
  const dp = p * (1 - p);
  const da = a * (1 - a);
  g[0] = scale * d[0]! * q.omega;
  g[1] = scale * (d[1]! * a * dp + d[2]! * (1 - a) * dp);
  g[2] = scale * (d[1]! * p * da - d[2]! * p * da);
}

/** SEs of (ω, α, β) in the original units from the scaled fit q on x (mean square ms). */
function standardErrors(q: GarchParams, x: Float64Array, n: number, b: number, ms: number): GarchParams {
  const v = [q.omega, q.alpha, q.beta];
  const H = new Float64Array(9);
  const gp = new Float64Array(3);
  const gm = new Float64Array(3);
  for (let j = 0; j < 3; j++) {
    const h = 1e-5 * Math.max(Math.abs(v[j]!), 1e-3);
    const up = v.slice();
    const dn = v.slice();
    up[j] = up[j]! + h;
    dn[j] = dn[j]! - h;
    garchLoglik({ omega: up[0]!, alpha: up[1]!, beta: up[2]! }, x, 0, n, b, gp);
    garchLoglik({ omega: dn[0]!, alpha: dn[1]!, beta: dn[2]! }, x, 0, n, b, gm);
    for (let i = 0; i < 3; i++) H[i * 3 + j] = -(gp[i]! - gm[i]!) / (2 * h); // Hessian of −ℓ
  }
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (H[i * 3 + j]! + H[j * 3 + i]!);
      H[i * 3 + j] = m;
      H[j * 3 + i] = m;
    }
  const C = invert(H, 3);
  const sd = (i: number) => (C && C[i * 4]! > 0 ? Math.sqrt(C[i * 4]!) : Number.NaN);
  return { omega: sd(0) * ms, alpha: sd(1), beta: sd(2) };
}

export interface GarchState {
  params: GarchParams;
  /** σ² forecast for the next return. */
  next: number;
}

/** GARCH for the rolling forecaster: refits warm-started from the previous fit. */
export const garchModel: OnlineModel<GarchState> = {
  name: 'garch',
  minReturns: GARCH_MIN_RETURNS,
  fit(r, from, to, prev) {
    const f = fitGarch(r, from, to, prev?.params);
    return { params: { omega: f.omega, alpha: f.alpha, beta: f.beta }, next: f.forecast };
  },
  replay(s, r, from, to) {
    s.next = garchFilter(s.params, r, from, to).next;
    return s.next;
  },
  step(s, r) {
    const p = s.params;
    s.next = p.omega + p.alpha * r * r + p.beta * s.next;
    return s.next;
  },
};
