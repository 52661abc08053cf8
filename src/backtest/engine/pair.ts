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
  // Each run's prev, mean and m2 (runFusedBand's, assigned every bar; a at 0–2, b at 3–5) live in a typed
  // array, not in local variables: on-stack-replacement code (which V8 runs a long loop on after a
  // deoptimization, and did not replace in later runs) keeps numbers a loop carries in locals boxed, one
  // allocation per assignment (~100 bytes a bar, 256 MB per W3 sweep; docs/benchmarks.md). The drawdown's
  // state changes on few bars and stays local.
  const m = new Float64Array(6);
  m[0] = sums[2]!;
  m[3] = sums[5]!;
  let peakA = m[0]!;
  let peakB = m[3]!;
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
    const retA = va / m[0]! - 1;
    const retB = vb / m[3]! - 1;
    const dA = retA - m[1]!;
    const dB = retB - m[4]!;
    const meanA = m[1]! + dA / t;
    const meanB = m[4]! + dB / t;
    m[1] = meanA;
    m[4] = meanB;
    m[2] = m[2]! + dA * (retA - meanA);
    m[5] = m[5]! + dB * (retB - meanB);
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
    m[0] = va;
    m[3] = vb;
  }
  return [
    finishMetrics(m[0]!, m[1]!, m[2]!, T - 1, mddA, times, a.capital, a.periodsPerYear, {
      rebalances: rebA,
      fees: sums[0]!,
      turnover: sums[1]!,
    }),
    finishMetrics(m[3]!, m[4]!, m[5]!, T - 1, mddB, times, b.capital, b.periodsPerYear, {
      rebalances: rebB,
      fees: sums[3]!,
      turnover: sums[4]!,
    }),
  ];
}
