import { NOISE } from '../../core/planner/constraints.ts';
import type { PlanBuffers, PlanContext } from '../../core/planner/context.ts';

/**
 * Whether a run's plans may take applyFullPlan: nothing constrains them and every cost is proportional
 * (planFullFast's condition; the plan mode must be `full`, which the caller checks).
 */
export function fullPlanFits(ctx: PlanContext): boolean {
  return ctx.constraints.none && ctx.costs.proportional;
}

/**
 * applyPlan (engine/fast.ts) of a `full` plan in its common case, fused into the two passes it needs (issue
 * #29): the core's planInto → planFullFast → fastPath, then applyPlan's update, in one function, with every
 * operation of theirs in their order, so every number is theirs. It covers a first Newton step from V that
 * stays on its segment, a plan that spends no quote the portfolio lacks (but for the few ulps fastPath cuts
 * from the largest buy) and needs no further trim; in any other
 * case (V ≤ 0, a crossed breakpoint, a refused or trimmed plan) it changes nothing and returns false, and the
 * caller runs applyPlan, which plans from the same holdings (fullPlanFits(ctx) must hold). Quantities are
 * updated, fees and turnover added to sums[at] and sums[at + 1], the value after in sums[at + 2].
 * test/backtest/fast-paths.test.ts compares it with the general loop bit for bit.
 */
export function applyFullPlan(
  ctx: PlanContext,
  buf: PlanBuffers,
  qty: Float64Array,
  px: Float64Array,
  sums: Float64Array,
  at: number,
): boolean {
  const n = qty.length;
  const q = ctx.u.quoteIndex;
  const t = ctx.u.target;
  const rate = ctx.costs.rate;
  const h = buf.h;
  const dq = buf.dq;
  const notional = buf.notional;
  // planInto: the holdings' values and V.
  let V = 0;
  for (let i = 0; i < n; i++) {
    h[i] = qty[i]! * px[i]!;
    V += h[i]!;
  }
  if (!(V > 0)) return false;
  // newtonStep from x = V.
  let num = V;
  let den = 1;
  for (let i = 0; i < n; i++) {
    if (i === q) continue;
    const f = rate[i]!;
    if (f === 0) continue;
    if (t[i]! === 0) {
      num -= f * h[i]!;
      continue;
    }
    const s = t[i]! * V - h[i]! > 0 ? 1 : -1;
    num += f * s * h[i]!;
    den += f * s * t[i]!;
  }
  const vp = num / den;
  // fastPath with the full plan's notionals at V′ and the step's check.
  const noise = NOISE * V;
  const cash = qty[q]!;
  let wanted = cash;
  let flow = 0;
  let total = 0;
  let big = -1;
  for (let i = 0; i < n; i++) {
    if (i === q) continue;
    const ti = t[i]!;
    const x = ti * vp - h[i]!;
    const f = rate[i]!;
    if (f !== 0 && ti !== 0 && ti * V - h[i]! > 0 !== x > 0) return false;
    if (x !== 0) wanted -= x + f * (x < 0 ? -x : x);
    if (x <= noise && x >= -noise) {
      dq[i] = 0;
      notional[i] = 0;
      continue;
    }
    let want = x / px[i]!;
    if (want < 0 && -want >= qty[i]! * (1 - NOISE)) want = -qty[i]!;
    dq[i] = want;
    const v = want * px[i]!;
    const a = v < 0 ? -v : v;
    notional[i] = a;
    flow += v;
    total += f * a;
    if (v > 0 && (big < 0 || a > notional[big]!)) big = i;
  }
  if (wanted < -noise) return false;
  let dqq = -flow - total;
  // fastPath's cut of the largest buy when a self-funding plan comes out a few ulps short.
  if (cash + dqq < 0 && big >= 0) {
    const p = px[big]!;
    const f = rate[big]!;
    const before = dq[big]!;
    const cut = -(cash + dqq) / (p * (1 + f));
    const next = before - (cut * (1 + 1e-9) + 16 * Number.EPSILON * before);
    // biome-ignore lint/complexity/useMathMinMax: fastPath's expression (a NaN gives 0, as there)
    const d = next > 0 ? next : 0;
    dq[big] = d;
    const v = d * p;
    flow += v - before * p;
    total += f * v - f * notional[big]!;
    notional[big] = v;
    dqq = -flow - total;
  }
  if (cash + dqq < 0) return false;
  // applyPlan's update.
  let v = 0;
  let turnover = sums[at + 1]!;
  for (let i = 0; i < n; i++) {
    if (i === q) {
      qty[i] = qty[i]! + dqq;
    } else {
      qty[i] = qty[i]! + dq[i]!;
      turnover += notional[i]!;
    }
    v += qty[i]! * px[i]!;
  }
  sums[at] = sums[at]! + total;
  sums[at + 1] = turnover;
  sums[at + 2] = v;
  return true;
}
