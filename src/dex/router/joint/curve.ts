/**
 * One direction of one pool pair as a float curve for the dual decomposition (issue #18): the pool's arbitrage
 * subproblem at a price p (input token's price over output token's) is "trade until the marginal falls to p",
 * so every curve answers `inputAt(p)` (the input at which its marginal equals p, 0 when its spot is below p,
 * its cap when even the cap's marginal is above p) and `outAt(x)` (float output). Closed forms for constant
 * product (Uniswap v2) and two-token weighted math; v3 walks its liquidity ranges (curve-v3.ts); Balancer stable
 * is a 1-D solve (curve-stable.ts). Exact amounts always come from the pool's bigint math, never from here.
 */
import type { V2State, WeightedState } from '../../pools/types.ts';

/** Scratch for the derivative of the input at the solved price: dx/dp (≤ 0; 0 at a cap or inside a gap). */
export interface Slope {
  dxdp: number;
}

export interface PairCurve {
  /** Marginal output per input at zero size (base units). */
  readonly spot: number;
  /** Largest input the pool takes in this direction (Infinity when unbounded). */
  readonly cap: number;
  /** dx/dp as the trade starts (x → 0+): the curvature an idle pool would add once it trades. */
  readonly dxdp0: number;
  /** Input at which the marginal falls to p; writes dx/dp into `slope` when given. */
  inputAt(p: number, slope?: Slope): number;
  outAt(x: number): number;
  /** Float marginal at input x (for certificates). */
  marginalAt(x: number): number;
}

export const NO_TRADE: PairCurve = {
  spot: 0,
  cap: 0,
  dxdp0: 0,
  inputAt: () => 0,
  outAt: () => 0,
  marginalAt: () => 0,
};

/** Uniswap v2: out = γxR_b/(R_a + γx) with γ = 997/1000; the marginal γR_aR_b/(R_a+γx)² inverts in closed form. */
export function v2Curve(s: V2State, zeroForOne: boolean): PairCurve {
  const ra = Number(zeroForOne ? s.reserve0 : s.reserve1);
  const rb = Number(zeroForOne ? s.reserve1 : s.reserve0);
  if (!(ra > 0 && rb > 0)) return NO_TRADE;
  const g = 0.997;
  const k = g * ra * rb;
  return {
    spot: (g * rb) / ra,
    cap: Number.POSITIVE_INFINITY,
    dxdp0: -(ra * ra * ra) / (2 * g * k),
    inputAt(p, slope) {
      const d = Math.sqrt(k / p);
      // m'(x) = −2gk/d³ at d = R_a + γx
      if (slope) slope.dxdp = d > ra ? -(d * d * d) / (2 * g * k) : 0;
      return d > ra ? (d - ra) / g : 0;
    },
    outAt: (x) => (g * x * rb) / (ra + g * x),
    marginalAt(x) {
      const d = ra + g * x;
      return k / (d * d);
    },
  };
}

/**
 * Balancer weighted, tokens i → j of the pool: out = B_j(1 − (B_i/(B_i + γx))^r), r = w_i/w_j, γ = 1 − fee;
 * marginal B_j·r·γ·B_i^r/(B_i+γx)^(r+1), inverted in closed form; capped just below the Vault's 30 % max-in.
 */
export function weightedCurve(s: WeightedState, i: number, j: number): PairCurve {
  const bi = Number(s.balances[i]);
  const bj = Number(s.balances[j]);
  if (!(bi > 0 && bj > 0)) return NO_TRADE;
  const g = 1 - Number(s.swapFeePercentage) / 1e18;
  const r = Number(s.weights[i]) / Number(s.weights[j]);
  const c = bj * r * g;
  const cap = Math.floor(((0.3 * bi) / g) * (1 - 1e-9));
  const marginalAt = (x: number) => {
    const b = bi + g * Math.min(x, cap);
    return (c / b) * (bi / b) ** r;
  };
  return {
    spot: c / bi,
    cap,
    dxdp0: -bi / ((r + 1) * g * (c / bi)),
    inputAt(p, slope) {
      if (p >= c / bi) {
        if (slope) slope.dxdp = 0;
        return 0;
      }
      const x = (bi * ((c / (bi * p)) ** (1 / (r + 1)) - 1)) / g;
      // m'(x) = −(r+1)·γ·m/(B_i + γx), m = p at the solution
      if (slope) slope.dxdp = x < cap ? -(bi + g * x) / ((r + 1) * g * p) : 0;
      return Math.min(x, cap);
    },
    outAt: (x) => bj * (1 - (bi / (bi + g * Math.min(x, cap))) ** r),
    marginalAt,
  };
}
