/**
 * Uniswap v3 as a PairCurve (issue #18): the liquidity ranges from the current price to the end of liquidity in
 * the trade's direction, each with its cumulative input and output at its start. `inputAt(p)` finds the range
 * whose marginal interval holds p by binary search (a tick walk over precomputed ranges) and solves inside it in
 * closed form; a price inside a gap of the marginal (an empty range, or the jump at an initialized tick) stops
 * at the range end. Float only; the exact swap is the pool's.
 */
import type { V3State } from '../../pools/types.ts';
import { getSqrtRatioAtTick, MAX_TICK, MIN_TICK } from '../../pools/v3-tick-math.ts';
import { NO_TRADE, type PairCurve } from './curve.ts';

const Q96 = 2 ** 96;

interface Range {
  readonly cumIn: number;
  readonly cumOut: number;
  readonly capIn: number;
  readonly s0: number;
  readonly L: number;
  /** Marginal at the start and at the end of the range (decreasing). */
  readonly mStart: number;
  readonly mEnd: number;
}

export function v3Curve(state: V3State, zeroForOne: boolean): PairCurve {
  const g = 1 - state.fee / 1e6;
  const ranges: Range[] = [];
  let L = state.liquidity;
  let sp = Number(state.sqrtPriceX96) / Q96;
  let cumIn = 0;
  let cumOut = 0;
  const marginal = (s: number) => (zeroForOne ? g * s * s : g / (s * s));
  const push = (sb: number) => {
    const Lf = Number(L);
    if (Lf > 0 && (zeroForOne ? sb < sp : sb > sp)) {
      const capIn = zeroForOne ? (Lf * (1 / sb - 1 / sp)) / g : (Lf * (sb - sp)) / g;
      const outR = zeroForOne ? Lf * (sp - sb) : Lf * (1 / sp - 1 / sb);
      ranges.push({ cumIn, cumOut, capIn, s0: sp, L: Lf, mStart: marginal(sp), mEnd: marginal(sb) });
      cumIn += capIn;
      cumOut += outR;
    }
    sp = sb;
  };
  const ticks = state.ticks;
  if (zeroForOne) {
    for (let k = ticks.length - 1; k >= 0; k--) {
      const t = ticks[k]!;
      if (t.index > state.tick) continue;
      push(Number(getSqrtRatioAtTick(t.index)) / Q96);
      L -= t.liquidityNet;
    }
    push(Number(getSqrtRatioAtTick(MIN_TICK)) / Q96);
  } else {
    for (const t of ticks) {
      if (t.index <= state.tick) continue;
      push(Number(getSqrtRatioAtTick(t.index)) / Q96);
      L += t.liquidityNet;
    }
    push(Number(getSqrtRatioAtTick(MAX_TICK)) / Q96);
  }
  if (ranges.length === 0) return NO_TRADE;
  const cap = cumIn;
  const inRange = (r: Range, x: number): [number, number] => {
    const d = (x - r.cumIn) * g;
    // out in the range without cancellation: L(s0 − s) = s0·d/(1/s0 + d/L); L(1/s0 − 1/s) = d/(s0·s)
    if (zeroForOne) {
      const q = 1 / r.s0 + d / r.L;
      const s = 1 / q;
      return [r.cumOut + (r.s0 * d) / q, g * s * s];
    }
    const s = r.s0 + d / r.L;
    return [r.cumOut + d / (r.s0 * s), g / (s * s)];
  };
  const find = (x: number): Range => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ranges[mid]!.cumIn <= x) lo = mid;
      else hi = mid - 1;
    }
    return ranges[lo]!;
  };
  const r0 = ranges[0]!;
  return {
    spot: r0.mStart,
    cap,
    // −L/(2γ²s³) (zeroForOne) or −L·s³/(2γ²) at the starting price
    dxdp0: zeroForOne ? -r0.L / (2 * g * g * r0.s0 ** 3) : -(r0.L * r0.s0 ** 3) / (2 * g * g),
    inputAt(p, slope) {
      if (slope) slope.dxdp = 0;
      if (p >= ranges[0]!.mStart) return 0;
      // first range whose end marginal is below p
      let lo = 0;
      let hi = ranges.length - 1;
      if (ranges[hi]!.mEnd >= p) return cap;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ranges[mid]!.mEnd < p) hi = mid;
        else lo = mid + 1;
      }
      const r = ranges[lo]!;
      if (r.mStart <= p) return r.cumIn; // p falls in the gap before this range
      // m'(x) = −2γ²s³/L (zeroForOne) or −2γ²/(L·s³)
      if (zeroForOne) {
        const s = Math.sqrt(p / g);
        if (slope) slope.dxdp = -r.L / (2 * g * g * s * s * s);
        return r.cumIn + (r.L * (1 / s - 1 / r.s0)) / g;
      }
      const s = Math.sqrt(g / p);
      if (slope) slope.dxdp = -(r.L * s * s * s) / (2 * g * g);
      return r.cumIn + (r.L * (s - r.s0)) / g;
    },
    outAt(x) {
      if (x <= 0) return 0;
      if (x >= cap) return cumOut;
      return inRange(find(x), x)[0];
    },
    marginalAt(x) {
      if (x >= cap) return 0;
      return inRange(find(Math.max(0, x)), Math.max(0, x))[1];
    },
  };
}
