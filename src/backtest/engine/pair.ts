import type { PlanBuffers, PlanContext, PlanMode } from '../../core/planner/context.ts';
import { rowAbsBreachUniform, rowValue, uniformWidth } from '../../core/triggers/scan.ts';
import { BREACH, inStep, NEAR_BREACH, NEAR_CLEAR } from './band-track.ts';
import { trade } from './fast.ts';
import { fullPlanFits } from './full-plan.ts';
import { finishMetrics } from './metrics.ts';
import type { Metrics } from './types.ts';

/** One configuration of a pair: a run runFusedBand would take (fusedBands gave `bands`). */
export interface PairConfig {
  /** The run's plan context (its costs, constraints): runBacktest's for the same options. */
  readonly ctx: PlanContext;
  /** The band kernel's widths (one value: fusedBands' condition). */
  readonly bands: Float64Array;
  readonly mode: PlanMode;
  readonly capital: number;
  readonly periodsPerYear: number;
  /**
   * The bar classes of the reference run of this width (band-track.ts) when the run may skip its band test
   * while in step with it, or null (it tests every bar).
   */
  readonly track: Uint8Array | null;
}

const NONE = new Uint8Array(0);

/** How many runs of a pair left their band track's step (a NEAR bar answered otherwise, or off the target): for tests. */
export const outOfStep = { count: 0 };

/**
 * Two fused band runs over the same price columns in lockstep (issue #29), for a sweep that keeps only
 * metrics: bar by bar, both read the same row of prices, and their running means (each bar's a division
 * that waits on the previous bar's) are two independent chains the processor overlaps instead of one it
 * waits on. Each run does exactly runFusedBand's operations in its order, so its metrics are the same
 * numbers (test/backtest/fast-paths.test.ts). Both contexts must be for the data's universe.
 */
export function runFusedPair(
  data: { readonly times: Float64Array; readonly prices: Float64Array },
  a: PairConfig,
  b: PairConfig,
  buf: PlanBuffers,
  px: Float64Array,
  qa: Float64Array,
  qb: Float64Array,
): [Metrics, Metrics] {
  const u = a.ctx.u;
  const n = u.n;
  const q = u.quoteIndex;
  const target = u.target;
  const P = data.prices;
  const times = data.times;
  const T = times.length;
  const sums = new Float64Array(6);
  const full = { halfWidth: null, cov: null };
  const optsA = { halfWidth: a.mode === 'full' ? null : a.bands, cov: null };
  const optsB = { halfWidth: b.mode === 'full' ? null : b.bands, cov: null };
  const wa = uniformWidth(a.bands);
  const wb = uniformWidth(b.bands);
  qa.fill(0);
  qb.fill(0);
  for (let i = 0; i < n; i++) px[i] = P[i]!;
  qa[q] = a.capital;
  qb[q] = b.capital;
  trade(a.ctx, buf, qa, px, 'full', full, false, sums, 0);
  trade(b.ctx, buf, qb, px, 'full', full, false, sums, 3);
  // In step with the reference run of the band track (band-track.ts): then a CLEAR or BREACH bar's test
  // is not run, its answer is proven.
  const fullA = a.mode === 'full' && fullPlanFits(a.ctx);
  const fullB = b.mode === 'full' && fullPlanFits(b.ctx);
  const trA = a.track ?? NONE;
  const trB = b.track ?? NONE;
  let sa = a.track !== null && inStep(qa, px, target, sums[2]!);
  let sb = b.track !== null && inStep(qb, px, target, sums[5]!);
  let prevA = sums[2]!;
  let prevB = sums[5]!;
  let meanA = 0;
  let meanB = 0;
  let m2A = 0;
  let m2B = 0;
  let peakA = prevA;
  let peakB = prevB;
  let mddA = 0;
  let mddB = 0;
  let deepA = peakA * (1 + 1e-9);
  let deepB = peakB * (1 + 1e-9);
  let rebA = 0;
  let rebB = 0;
  for (let t = 1; t < T; t++) {
    const off = t * n;
    let va = rowValue(P, qa, off);
    let vb = rowValue(P, qb, off);
    let fa: boolean;
    let fb: boolean;
    const ca = sa ? trA[t]! : NEAR_BREACH;
    const cb = sb ? trB[t]! : NEAR_BREACH;
    if (ca < NEAR_CLEAR) fa = ca === BREACH;
    else {
      fa = rowAbsBreachUniform(P, qa, off, va, target, wa);
      if (sa && fa !== (ca === NEAR_BREACH)) {
        sa = false;
        outOfStep.count++;
      }
    }
    if (cb < NEAR_CLEAR) fb = cb === BREACH;
    else {
      fb = rowAbsBreachUniform(P, qb, off, vb, target, wb);
      if (sb && fb !== (cb === NEAR_BREACH)) {
        sb = false;
        outOfStep.count++;
      }
    }
    if (fa || fb) {
      for (let i = 0; i < n; i++) px[i] = P[off + i]!;
      if (fa) {
        rebA++;
        trade(a.ctx, buf, qa, px, a.mode, optsA, fullA, sums, 0);
        va = sums[2]!;
        if (sa && !inStep(qa, px, target, va)) {
          sa = false;
          outOfStep.count++;
        }
      }
      if (fb) {
        rebB++;
        trade(b.ctx, buf, qb, px, b.mode, optsB, fullB, sums, 3);
        vb = sums[5]!;
        if (sb && !inStep(qb, px, target, vb)) {
          sb = false;
          outOfStep.count++;
        }
      }
    }
    // runFusedBand's metric recurrences, once per run (k = t: the count of returns so far).
    const retA = va / prevA - 1;
    const retB = vb / prevB - 1;
    const dA = retA - meanA;
    const dB = retB - meanB;
    meanA += dA / t;
    meanB += dB / t;
    m2A += dA * (retA - meanA);
    m2B += dB * (retB - meanB);
    if (va >= peakA) {
      peakA = va;
      deepA = peakA * (1 - mddA) * (1 + 1e-9);
    } else if (va <= deepA) {
      const dd = 1 - va / peakA;
      if (dd > mddA) {
        mddA = dd;
        deepA = peakA * (1 - mddA) * (1 + 1e-9);
      }
    }
    if (vb >= peakB) {
      peakB = vb;
      deepB = peakB * (1 - mddB) * (1 + 1e-9);
    } else if (vb <= deepB) {
      const dd = 1 - vb / peakB;
      if (dd > mddB) {
        mddB = dd;
        deepB = peakB * (1 - mddB) * (1 + 1e-9);
      }
    }
    prevA = va;
    prevB = vb;
  }
  return [
    finishMetrics(prevA, meanA, m2A, T - 1, mddA, times, a.capital, a.periodsPerYear, {
      rebalances: rebA,
      fees: sums[0]!,
      turnover: sums[1]!,
    }),
    finishMetrics(prevB, meanB, m2B, T - 1, mddB, times, b.capital, b.periodsPerYear, {
      rebalances: rebB,
      fees: sums[3]!,
      turnover: sums[4]!,
    }),
  ];
}
