import { orderCost } from '../costs.ts';
import { type PlanBuffers, type PlanContext, Scaled, Skip } from './context.ts';
import { newtonStep, solveBySort } from './full.ts';

const LOT_EPS = 1e-9;
/**
 * Relative size of floating-point noise: trades and cash shortfalls under NOISE·V are rounding, not
 * intent. Below the full solve's tolerance on V′ and far below any real order.
 */
export const NOISE = 1e-13;

function cashAfter(ctx: PlanContext, d: Float64Array, s: number, q: number, cashQty: number): number {
  let c = cashQty;
  for (let i = 0; i < d.length; i++) {
    if (i === q) continue;
    const x = s * d[i]!;
    c -= x + orderCost(ctx.costs, i, x, x < 0 ? -1 : 1);
  }
  return c;
}

/**
 * Turns desired signed notionals (buf.d) into executable quantities (buf.dq) under the constraints:
 * reserves (never sold), maxTurnover and the available quote (every trade scaled by one factor),
 * lot steps (rounded toward zero: k = ⌊q/lot + 1e-9⌋), minimum notionals (skipped with a code), then
 * costs per order; the quote absorbs the difference (no re-solve).
 */
export function applyConstraints(ctx: PlanContext, qty: Float64Array, prices: Float64Array, buf: PlanBuffers): void {
  const { u, constraints: c } = ctx;
  const q = u.quoteIndex;
  const n = u.n;
  const d = buf.d;
  buf.skip.fill(0);
  buf.scale = 1;
  buf.scaleReason = Scaled.none;
  if (c.none && ctx.costs.proportional && fastPath(ctx, qty, prices, buf, null, false) === DONE) return;
  // Reserves: never sell below them.
  for (let i = 0; i < n; i++) {
    if (i === q || d[i]! >= 0) continue;
    const room = Math.max(0, qty[i]! - c.reserve[i]!) * prices[i]!;
    if (-d[i]! > room) {
      d[i] = -room;
      if (room === 0) buf.skip[i] = Skip.reserve;
    }
  }
  // One factor for maxTurnover.
  let turnover = 0;
  for (let i = 0; i < n; i++) if (i !== q) turnover += Math.abs(d[i]!);
  const cap = c.maxTurnover * buf.value;
  if (turnover > cap) {
    buf.scale = cap / turnover;
    buf.scaleReason = Scaled.maxTurnover;
  }
  // One factor so that buys and costs never spend quote the portfolio lacks (reserve kept). A shortfall
  // within rounding noise of V (a self-funding rebalance with no spare quote) is left to the trim below:
  // scaling cannot remove it, since it scales with the trades, and would cancel the whole plan.
  const cash = Math.max(0, qty[q]! - c.reserve[q]!);
  if (cashAfter(ctx, d, buf.scale, q, cash) < -NOISE * buf.value) {
    let lo = 0;
    let hi = buf.scale;
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (cashAfter(ctx, d, mid, q, cash) >= 0) lo = mid;
      else hi = mid;
    }
    buf.scale = lo;
    buf.scaleReason = Scaled.cash;
  }
  // Quantities: scale, lot step toward zero, minimum notional.
  for (let i = 0; i < n; i++) {
    buf.dq[i] = 0;
    buf.want[i] = 0;
    if (i === q) continue;
    let want = (buf.scale * d[i]!) / prices[i]!;
    // Selling the whole holding sells exactly it: (q·p)/p can miss q by an ulp and leave dust behind.
    if (want < 0 && -want >= qty[i]! * (1 - NOISE)) want = -qty[i]!;
    // A trade within rounding noise of V is not a trade (an on-target holding); placing it would only pay
    // the fixed cost per order.
    // (Tested on the notional, as the full solve tests it, so both agree at the threshold.)
    const x = buf.scale * d[i]!;
    if (x <= NOISE * buf.value && x >= -NOISE * buf.value) continue;
    buf.want[i] = want;
    buf.dq[i] = roundLot(
      want,
      c.lotStep[i]!,
      want < 0 ? Math.max(0, qty[i]! - c.reserve[i]!) : Number.POSITIVE_INFINITY,
    );
    if (want !== 0 && buf.dq[i] === 0 && buf.skip[i] === Skip.none) buf.skip[i] = Skip.lotStep;
    if (buf.dq[i] !== 0 && Math.abs(buf.dq[i]!) * prices[i]! < c.minNotional[i]!) {
      buf.dq[i] = 0;
      buf.skip[i] = Skip.minNotional;
    }
  }
  // Rounding sells down can leave buys short of cash: trim buys, largest first, by whole lots.
  trimBuys(ctx, prices, buf, cash, settle(ctx, prices, buf, cash));
}

/** Trims buys, largest first (by whole lots), until the cash left above the reserve is ≥ 0. */
function trimBuys(ctx: PlanContext, prices: Float64Array, buf: PlanBuffers, cash: number, left: number): void {
  const { u, constraints: c } = ctx;
  const q = u.quoteIndex;
  const n = u.n;
  let cashLeft = left;
  for (let guard = 0; cashLeft < 0 && guard < 4 * n; guard++) {
    let j = -1;
    for (let i = 0; i < n; i++) {
      if (i !== q && buf.dq[i]! > 0 && (j < 0 || buf.dq[i]! * prices[i]! > buf.dq[j]! * prices[j]!)) j = i;
    }
    if (j < 0) break;
    const lot = c.lotStep[j]!;
    const per = prices[j]! * (1 + ctx.costs.rate[j]!);
    const cut = -cashLeft / per;
    if (lot > 0) {
      // Whole lots, recomputed as k·lot so the quantity stays exactly on the lot grid.
      const k = Math.round(buf.dq[j]! / lot) - Math.max(1, Math.ceil(cut / lot - LOT_EPS));
      buf.dq[j] = k > 0 ? k * lot : 0;
    } else {
      // A shortfall of a few ulps: cut a little more than it, so one round settles it (no ulp-by-ulp loop).
      const next = buf.dq[j]! - (cut * (1 + 1e-9) + 16 * Number.EPSILON * buf.dq[j]!);
      buf.dq[j] = next > 0 ? next : 0;
    }
    if (buf.dq[j]! > 0 && buf.dq[j]! * prices[j]! < c.minNotional[j]!) buf.dq[j] = 0;
    if (buf.dq[j] === 0) buf.skip[j] = Skip.cash;
    cashLeft = settle(ctx, prices, buf, cash);
  }
}

/**
 * The same rules when nothing constrains the plan and every cost is proportional (the common backtest
 * case): no scaling, no rounding, no minimum; only the noise and sell-everything rules, in one pass. It
 * gives up (and the general path runs) when the plan would spend quote the portfolio lacks, which the
 * general path scales; a shortfall of rounding noise is trimmed from the largest buy, as trimBuys does.
 * With `full` (the target weights), a full plan at V′ = buf.vp: the notionals tᵢV′ − hᵢ are computed here,
 * and with `check`, whether the Newton step from buf.vpFrom to V′ solved g's line on its own segment.
 * V′ travels in buf, not in an options object: such an object and its boxed number were garbage made on
 * every rebalance.
 */
function fastPath(
  ctx: PlanContext,
  qty: Float64Array,
  prices: Float64Array,
  buf: PlanBuffers,
  full: Float64Array | null,
  check: boolean,
): typeof DONE | typeof REFUSED | typeof CROSSED {
  const q = ctx.u.quoteIndex;
  const rate = ctx.costs.rate;
  const V = buf.value;
  const noise = NOISE * V;
  const d = buf.d;
  const h = buf.h;
  const cash = qty[q]!;
  const vp = buf.vp;
  const from = buf.vpFrom;
  let wanted = cash; // the general path's test, on the desired notionals: cashAfter(d, 1)
  let flow = 0;
  let total = 0;
  let big = -1;
  for (let i = 0; i < buf.n; i++) {
    buf.want[i] = 0;
    buf.dq[i] = 0;
    buf.notional[i] = 0;
    buf.cost[i] = 0;
    if (i === q) {
      if (full !== null) d[i] = 0;
      continue;
    }
    let x: number;
    if (full === null) x = d[i]!;
    else {
      // The full plan's notional at V′ (fullNotionals'), and the check a Newton step needs: every entry on
      // the side it was at the step's start, so V′ solved g's own line (solveProportional's test).
      const ti = full[i]!;
      x = ti * vp - h[i]!;
      d[i] = x;
      if (check && rate[i]! !== 0 && ti !== 0 && ti * from - h[i]! > 0 !== x > 0) return CROSSED;
    }
    if (x !== 0) wanted -= x + rate[i]! * (x < 0 ? -x : x);
    if (x <= noise && x >= -noise) continue;
    let want = x / prices[i]!;
    if (want < 0 && -want >= qty[i]! * (1 - NOISE)) want = -qty[i]!;
    buf.want[i] = want;
    buf.dq[i] = want;
    const v = want * prices[i]!;
    const a = v < 0 ? -v : v;
    buf.notional[i] = a;
    buf.cost[i] = rate[i]! * a;
    flow += v;
    total += buf.cost[i]!;
    if (v > 0 && (big < 0 || a > buf.notional[big]!)) big = i;
  }
  if (wanted < -noise) return REFUSED;
  // The quote's change, applied as the caller applies it (cash + dq[q]): a self-funding plan can come out
  // a few ulps short; then the largest buy is cut by a little more than that, here, without a second pass.
  let dqq = -flow - total;
  if (cash + dqq < 0 && big >= 0) {
    const p = prices[big]!;
    const f = rate[big]!;
    const before = buf.dq[big]!;
    const cut = -(cash + dqq) / (p * (1 + f));
    const next = before - (cut * (1 + 1e-9) + 16 * Number.EPSILON * before);
    const dq = next > 0 ? next : 0;
    if (dq === 0) buf.skip[big] = Skip.cash;
    buf.dq[big] = dq;
    const v = dq * p;
    flow += v - before * p;
    total += f * v - buf.cost[big]!;
    buf.notional[big] = v;
    buf.cost[big] = f * v;
    dqq = -flow - total;
  }
  buf.dq[q] = dqq;
  buf.totalCost = total;
  buf.valueAfter = buf.value - total;
  if (cash + dqq < 0) trimBuys(ctx, prices, buf, cash, cash + dqq);
  return DONE;
}

/**
 * A full plan when nothing constrains it and every cost is proportional, fused: V′ by solveProportional's
 * Newton steps (from V, each solving the line of the segment it starts on), each followed by one pass that
 * checks the step stayed on that segment and turns tᵢV′ − hᵢ into quantities; a step that crossed a
 * breakpoint is followed by the next. After 8 steps (floating-point dithering) V′ comes from the sorted
 * breakpoints. The same numbers as fullNotionals followed by applyConstraints; false (and the caller plans
 * the general way) when V ≤ 0 or when the plan would spend quote the portfolio lacks. buf.h and buf.value
 * must hold the holdings' values.
 */
export function planFullFast(
  ctx: PlanContext,
  t: Float64Array,
  qty: Float64Array,
  prices: Float64Array,
  buf: PlanBuffers,
): boolean {
  const V = buf.value;
  if (!(V > 0) || !ctx.constraints.none || !ctx.costs.proportional) return false;
  buf.skip.fill(0);
  buf.scale = 1;
  buf.scaleReason = Scaled.none;
  buf.mode = 'full';
  const q = ctx.u.quoteIndex;
  const rate = ctx.costs.rate;
  // A crossing step runs the very calls and tests the first step ran (the loop's exit test checks the
  // step count first): V8 compiles this from the common case's feedback and need not discard it when a
  // rebalance first crosses a breakpoint, which a branch of its own made it do, in every sweep worker.
  let r: typeof DONE | typeof REFUSED | typeof CROSSED;
  let x = V;
  let steps = 0;
  for (;;) {
    const vp = newtonStep(rate, t, buf.h, q, V, x);
    steps++;
    buf.vp = vp;
    buf.vpFrom = x;
    r = fastPath(ctx, qty, prices, buf, t, true);
    if (steps === 8 || r !== CROSSED) break;
    x = vp;
  }
  if (r === CROSSED) {
    buf.vp = solveBySort(rate, t, buf.h, q, V, buf.bp);
    r = fastPath(ctx, qty, prices, buf, t, false);
  }
  return r === DONE;
}

const DONE = 0;
const REFUSED = 1; // the plan would spend quote the portfolio lacks: the general path scales it
const CROSSED = 2; // the Newton step left the segment it started on

/** Lot rounding toward zero, never beyond `maxSell` units on a sell. */
export function roundLot(want: number, lot: number, maxSell: number): number {
  const a = Math.abs(want);
  let x = a;
  if (lot > 0) {
    let k = Math.floor(a / lot + LOT_EPS);
    while (k > 0 && want < 0 && k * lot > maxSell) k--;
    x = k * lot;
  } else if (want < 0 && x > maxSell) {
    x = maxSell;
  }
  return want < 0 ? -x : x;
}

/** Costs and notionals of buf.dq; the quote's entry gets the cash flow. Returns cash left above the reserve. */
function settle(ctx: PlanContext, prices: Float64Array, buf: PlanBuffers, cash: number): number {
  const q = ctx.u.quoteIndex;
  let flow = 0;
  let total = 0;
  for (let i = 0; i < buf.n; i++) {
    if (i === q) {
      buf.notional[i] = 0;
      buf.cost[i] = 0;
      continue;
    }
    const x = buf.dq[i]! * prices[i]!;
    buf.notional[i] = Math.abs(x);
    buf.cost[i] = orderCost(ctx.costs, i, x, x < 0 ? -1 : 1);
    flow += x;
    total += buf.cost[i]!;
  }
  buf.dq[q] = -flow - total;
  buf.totalCost = total;
  buf.valueAfter = buf.value - total;
  return cash - flow - total;
}
