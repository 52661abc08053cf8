/**
 * Balancer stable as a PairCurve (issue #18): the float invariant D of the pool (stable-marginal.ts), the output
 * balance from its quadratic, and `inputAt(p)` by a 1-D solve (safeguarded Newton) on the decreasing marginal,
 * started from the previous solution (dual iterations ask for nearby prices). Fee on the input (γ = 1 − fee),
 * balances upscaled to 18 decimals as the pool does.
 */

import { stableBalanceFloat, stableInvariantFloat } from '../../pools/stable-marginal.ts';
import type { StableState } from '../../pools/types.ts';
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
  const n = scaled.length;
  // stableMarginal without allocating (it runs inside every dual evaluation)
  const marginalAt = (x: number): number => {
    after[i] = scaled[i]! + Math.max(0, x) * g * sIn;
    const y = stableBalanceFloat(ann, after, d, j);
    let m = 0;
    if (y > 0) {
      after[j] = y;
      let k = d;
      for (let t = 0; t < n; t++) k = (k * d) / (after[t]! * n);
      m = ((ann + k / after[i]!) / (ann + k / y)) * conv;
    }
    after[i] = scaled[i]!;
    after[j] = scaled[j]!;
    return m;
  };
  const spot = marginalAt(0);
  let lastX = scaled[i]! / sIn / 100;
  // beyond 1,000 times the pool's whole balance (in input units) nothing is left to buy: the curve's cap
  const cap = (1000 * scaled.reduce((a, b) => a + b, 0)) / sIn;
  const mCap = marginalAt(cap);
  const h0 = scaled[i]! / sIn / 1e6;
  const dm0 = (marginalAt(h0) - spot) / h0;
  return {
    spot,
    cap,
    dxdp0: dm0 < 0 ? 1 / dm0 : 0,
    inputAt(p, slope) {
      if (slope) slope.dxdp = 0;
      if (p >= spot) return 0;
      if (p <= mCap) return cap;
      // Newton from the last solution on log x (the marginal is smooth and decreasing), bracket-safeguarded
      let lo = 0;
      let hi = cap;
      let x = Math.min(Math.max(lastX, cap * 1e-18), cap / 2);
      for (let k = 0; k < 60; k++) {
        const m = marginalAt(x);
        if (m > p) lo = x;
        else hi = x;
        const h = x * 1e-6;
        const dm = (marginalAt(x + h) - m) / h;
        let nx = dm < 0 ? x + (p - m) / dm : Number.NaN;
        if (!(nx > lo && nx < hi)) nx = lo > 0 ? Math.sqrt(lo * hi) : hi / 64;
        if (Math.abs(nx - x) <= 1e-12 * x) {
          x = nx;
          break;
        }
        x = nx;
      }
      lastX = x;
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
