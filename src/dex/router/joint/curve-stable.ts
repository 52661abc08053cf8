/**
 * Balancer stable as a PairCurve (issue #18): the float invariant D of the pool (stable-marginal.ts), the output
 * balance from its quadratic, and `inputAt(p)` by a 1-D bracketed root (Illinois) on the decreasing marginal,
 * bracketed from the previous solution (dual iterations ask for nearby prices). Fee on the input (γ = 1 − fee),
 * balances upscaled to 18 decimals as the pool does.
 */

import { stableBalanceFloat, stableInvariantFloat, stableMarginal } from '../../pools/stable-marginal.ts';
import type { StableState } from '../../pools/types.ts';
import { findRoot } from '../root.ts';
import { NO_TRADE, type PairCurve } from './curve.ts';

export function stableCurve(s: StableState, i: number, j: number): PairCurve {
  const scaled = s.balances.map((b, k) => Number(b) * 10 ** (18 - s.decimals[k]!));
  if (!scaled.every((b) => b > 0)) return NO_TRADE;
  const g = 1 - Number(s.swapFeePercentage) / 1e18;
  const ann = (Number(s.amp) / 1000) * s.tokens.length;
  const d = stableInvariantFloat(ann, scaled);
  const sIn = 10 ** (18 - s.decimals[i]!);
  const sOut = 10 ** (18 - s.decimals[j]!);
  const conv = (g * sIn) / sOut;
  const after = scaled.slice();
  const marginalAt = (x: number) => stableMarginal(ann, scaled, d, i, j, Math.max(0, x) * g * sIn) * conv;
  const spot = marginalAt(0);
  let lastX = scaled[i]! / sIn / 100;
  return {
    spot,
    cap: Number.POSITIVE_INFINITY,
    inputAt(p, slope) {
      if (p >= spot) {
        if (slope) slope.dxdp = 0;
        return 0;
      }
      let lo = lastX;
      let hi = lastX;
      if (marginalAt(lo) > p) {
        do hi *= 2;
        while (marginalAt(hi) > p && hi < 1e300);
        lo = hi / 2;
      } else {
        do lo /= 2;
        while (marginalAt(lo) <= p && lo > 1e-300);
        hi = lo * 2;
      }
      const x = findRoot((z) => p - marginalAt(z), lo, hi, 1e-13);
      lastX = x > 0 ? x : lastX;
      if (slope) {
        const h = x * 1e-5;
        const dm = (marginalAt(x + h) - marginalAt(x - h)) / (2 * h);
        slope.dxdp = dm < 0 ? 1 / dm : 0;
      }
      return x;
    },
    outAt(x) {
      if (x <= 0) return 0;
      after[i] = scaled[i]! + x * g * sIn;
      const y = stableBalanceFloat(ann, after, d, j);
      after[i] = scaled[i]!;
      return Math.max(0, scaled[j]! - y) / sOut;
    },
    marginalAt,
  };
}
