/**
 * One directed use of one pool (from -> to) as a concave curve the solver can invert:
 * inputAt(p) is the input at which the marginal price falls to p.
 * Constant-product curves are recognised from their marginal (1/sqrt(m(x)) is affine in x) and inverted
 * in closed form; every other curve is inverted by bracketed root finding on its marginal.
 */
import type { Address, SwapPool } from '../pools/types.ts';
import { findRoot } from './root.ts';

export interface Edge {
  readonly pool: SwapPool;
  readonly from: Address;
  readonly to: Address;
  /** Marginal price at zero input. */
  readonly m0: number;
  /** Largest useful input (Infinity when unbounded). */
  readonly cap: number;
  /** True when inverted in closed form (constant product). */
  readonly closedForm: boolean;
  /** Constant-product parameters: marginal(x) = 1 / (a + b x)^2 (closed-form edges only). */
  readonly cp?: { readonly a: number; readonly b: number };
  marginalAt(x: number): number;
  /** Input x in [0, cap] with marginalAt(x) = p (0 when m0 <= p, cap when the marginal at cap is still >= p). */
  inputAt(p: number): number;
  /** Output (float, base units) for input x. */
  outAt(x: number): number;
}

const FIT_TOLERANCE = 1e-10;

/** Fits 1/sqrt(m(x)) = a + b x; returns undefined unless it holds at several scales. */
function fitConstantProduct(
  pool: SwapPool,
  from: Address,
  to: Address,
  m0: number,
): { a: number; b: number } | undefined {
  if (!(m0 > 0) || !Number.isFinite(m0) || pool.maxIn(from, to) !== Number.POSITIVE_INFINITY) return undefined;
  const a = 1 / Math.sqrt(m0);
  // Probe at a large input first to learn the scale (the input reserve for constant product).
  const probe = 1e30;
  const mp = pool.marginal(from, to, probe);
  if (!(mp > 0)) return undefined;
  const b = (1 / Math.sqrt(mp) - a) / probe;
  if (!(b > 0)) return undefined;
  const scale = a / b;
  for (const k of [1e-6, 1e-2, 1, 100]) {
    const x = scale * k;
    const expected = 1 / (a + b * x) ** 2;
    const got = pool.marginal(from, to, x);
    if (!(Math.abs(got - expected) <= FIT_TOLERANCE * expected)) return undefined;
  }
  return { a, b };
}

function closedFormEdge(pool: SwapPool, from: Address, to: Address, m0: number, a: number, b: number): Edge {
  return {
    pool,
    from,
    to,
    m0,
    cap: Number.POSITIVE_INFINITY,
    closedForm: true,
    cp: { a, b },
    marginalAt: (x) => 1 / (a + b * x) ** 2,
    inputAt: (p) => (p >= m0 ? 0 : Math.max(0, (1 / Math.sqrt(p) - a) / b)),
    outAt: (x) => x / (a * (a + b * x)),
  };
}

function genericEdge(pool: SwapPool, from: Address, to: Address, m0: number): Edge {
  const cap = pool.maxIn(from, to);
  const marginalAt = (x: number): number => pool.marginal(from, to, x);
  // Recent (p, x) solutions: x is decreasing in p, so they bracket later queries (the solver's queries converge).
  const ps: number[] = [];
  const xs: number[] = [];
  let hint = 1;
  const remember = (p: number, x: number) => {
    ps.push(p);
    xs.push(x);
    if (ps.length > 6) {
      ps.shift();
      xs.shift();
    }
  };
  const inputAt = (p: number): number => {
    if (!(m0 > p)) return 0;
    let lo = -1;
    let hi = -1;
    let pLo = 0;
    let pHi = 0;
    for (let i = 0; i < ps.length; i++) {
      const q = ps[i] as number;
      const x = xs[i] as number;
      if (q === p) return x;
      if (q > p && x < cap && (lo < 0 || x > lo)) {
        lo = x;
        pLo = q;
      }
      if (q < p && x < cap && (hi < 0 || x < hi)) {
        hi = x;
        pHi = q;
      }
    }
    // Known marginals at cached bracket ends save two evaluations per query.
    const fLo = lo >= 0 ? p - pLo : undefined;
    const fHi = hi >= 0 ? p - pHi : undefined;
    let knownHi = fHi;
    let knownLo = fLo;
    if (hi < 0) {
      knownHi = undefined;
      hi = Math.min(Math.max(hint, lo > 0 ? lo * 2 : 0), cap);
      while (marginalAt(hi) > p) {
        if (hi >= cap) {
          remember(p, cap);
          return cap;
        }
        hi = Math.min(hi * 16, cap);
        if (hi > 1e300) return hi;
      }
      hint = hi;
    }
    if (lo < 0) {
      knownLo = undefined;
      lo = hi / 16;
      while (lo > 1e-12 && marginalAt(lo) <= p) lo /= 16;
      if (lo <= 1e-12) lo = 0;
    }
    // marginal(x) - p is decreasing in x.
    const x = findRoot((t) => p - marginalAt(t), lo, hi, 1e-15, knownLo, knownHi);
    remember(p, x);
    return x;
  };
  const outAt = (x: number): number => {
    if (!(x >= 1)) return x * m0;
    return Number(pool.amountOut(from, to, BigInt(Math.floor(x))));
  };
  return { pool, from, to, m0, cap, closedForm: false, marginalAt, inputAt, outAt };
}

/** Builds the edge for pool used from -> to; undefined when the pool cannot trade this direction. */
export function makeEdge(pool: SwapPool, from: Address, to: Address): Edge | undefined {
  const m0 = pool.marginal(from, to, 0);
  if (!(m0 > 0) || !Number.isFinite(m0)) return undefined;
  const fit = fitConstantProduct(pool, from, to, m0);
  if (fit) return closedFormEdge(pool, from, to, m0, fit.a, fit.b);
  return genericEdge(pool, from, to, m0);
}
