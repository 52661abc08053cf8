import type { PlanBuffers, PlanContext, PlanMode } from '../../core/planner/context.ts';
import { planInto } from '../../core/planner/plan.ts';
import { rowAbsBreachUniform, rowValue, uniformWidth } from '../../core/triggers/scan.ts';
import type { TriggerKernel } from '../../core/triggers/types.ts';
import type { Universe } from '../../core/universe.ts';
import { applyFullPlan, fullPlanFits } from './full-plan.ts';
import { finishMetrics } from './metrics.ts';
import type { BacktestOptions, BacktestResult, StrategySpec } from './types.ts';

/**
 * The band kernel's widths when a run may take the fused loop below, or null (the general loop of
 * runBacktest runs): a fixed target, an absolute band of one width for every entry (no per-asset widths),
 * any plan mode, no lag, no cooldown, nothing recorded per bar or per trade.
 */
export function fusedBands(
  spec: StrategySpec,
  opts: BacktestOptions,
  kernel: TriggerKernel,
  perBar: boolean,
): Float64Array | null {
  if (perBar || spec.targets.kind !== 'fixed' || opts.lag !== 0 || (opts.cooldownMs ?? 0) > 0) return null;
  if (kernel.type !== 'band') return null;
  const b = kernel.halfWidth();
  return b !== null && !Number.isNaN(uniformWidth(b)) ? b : null;
}

/** What the fused loop works in: the run's buffers (EngineScratch's) and its plan context. */
export interface FusedRun {
  readonly u: Universe;
  readonly ctx: PlanContext;
  readonly buf: PlanBuffers;
  readonly qty: Float64Array;
  readonly px: Float64Array;
  readonly equity: Float64Array;
}

/**
 * Applies the core's plan for the holdings `qty` at prices `px`, as runBacktest's trade() does: quantities
 * updated, fees and turnover added to sums[at] and sums[at + 1], the value after the trade in sums[at + 2]
 * (in the same summation order as the general loop, so every number is the same).
 */
export function applyPlan(
  ctx: PlanContext,
  buf: PlanBuffers,
  qty: Float64Array,
  px: Float64Array,
  mode: PlanMode,
  opts: { halfWidth: Float64Array | null; cov: null },
  sums: Float64Array,
  at: number,
): void {
  const n = qty.length;
  const q = ctx.u.quoteIndex;
  planInto(ctx, qty, px, mode, buf, opts);
  let v = 0;
  for (let i = 0; i < n; i++) {
    qty[i] = qty[i]! + buf.dq[i]!;
    v += qty[i]! * px[i]!;
    if (i !== q) sums[at + 1] = sums[at + 1]! + buf.notional[i]!;
  }
  sums[at] = sums[at]! + buf.totalCost;
  sums[at + 2] = v;
}

/**
 * A fused run's trade: applyFullPlan when `fits` (fullPlanFits, a `full` plan) and it covers the plan,
 * else applyPlan (its numbers either way). The bar-0 investment (fits false) and every rebalance go
 * through it, so both of its calls have run before V8 optimizes a loop that inlines it: a call that never
 * ran when the loop was compiled throws the compiled loop away the first time it runs ("insufficient type
 * feedback"), and a long loop then runs on on-stack-replacement code, which V8 did not replace in a sweep
 * (W3: 0.18 instead of 0.14 s, and 256 MB of boxed numbers per sweep; docs/benchmarks.md).
 */
export function trade(
  ctx: PlanContext,
  buf: PlanBuffers,
  qty: Float64Array,
  px: Float64Array,
  mode: PlanMode,
  opts: { halfWidth: Float64Array | null; cov: null },
  fits: boolean,
  sums: Float64Array,
  at: number,
): void {
  if (!fits || !applyFullPlan(ctx, buf, qty, px, sums, at)) applyPlan(ctx, buf, qty, px, mode, opts, sums, at);
}

/**
 * runBacktest for an absolute band on a fixed target, in one loop per bar: the value Σ qtyᵢ·pᵢ and the
 * band test are the core's own scan helpers (rowValue, rowAbsBreachUniform: what the band kernel's scan
 * runs),
 * a breach is planned by the core's planInto, and the metrics' running sums (computeMetrics' recurrences,
 * in its order) are updated on the same bar instead of in a second pass over the values. Every number is
 * the general loop's: test/backtest/fast-paths.test.ts compares both bit for bit on generated configs.
 */
export function runFusedBand(
  data: { readonly times: Float64Array; readonly prices: Float64Array },
  spec: StrategySpec,
  opts: BacktestOptions,
  r: FusedRun,
  b: Float64Array,
  keepBars: boolean,
): BacktestResult {
  const { u, qty, px, equity } = r;
  const n = u.n;
  const q = u.quoteIndex;
  const target = u.target;
  const P = data.prices;
  const times = data.times;
  const T = times.length;
  const sums = new Float64Array(3);
  const full = { halfWidth: null, cov: null };
  // The band kernel's halfWidth() is b and its covariance() null: what trade() passes an edge or auto plan.
  const planOpts = { halfWidth: spec.mode === 'full' ? null : b, cov: null };
  const rebalanceBars: number[] = [];
  // One width for every entry (fusedBands' condition): the band kernel's scan test for that case.
  const width = uniformWidth(b);
  const fullFits = spec.mode === 'full' && fullPlanFits(r.ctx);
  // Bar 0: invest the capital to the target at the close, costs included; not a rebalance.
  qty.fill(0);
  for (let i = 0; i < n; i++) px[i] = P[i]!;
  qty[q] = opts.capital;
  trade(r.ctx, r.buf, qty, px, 'full', full, false, sums, 0);
  let prev = sums[2]!;
  equity[0] = prev;
  let mean = 0;
  let m2 = 0;
  let k = 0;
  let peak = prev;
  let mdd = 0;
  let deep = peak * (1 + 1e-9);
  let rebalances = 0;
  for (let t = 1; t < T; t++) {
    const off = t * n;
    let v = rowValue(P, qty, off);
    if (rowAbsBreachUniform(P, qty, off, v, target, width)) {
      rebalances++;
      if (keepBars) rebalanceBars.push(t);
      for (let i = 0; i < n; i++) px[i] = P[off + i]!;
      trade(r.ctx, r.buf, qty, px, spec.mode, planOpts, fullFits, sums, 0);
      v = sums[2]!;
    }
    equity[t] = v;
    const ret = v / prev - 1;
    k++;
    const d = ret - mean;
    mean += d / k;
    m2 += d * (ret - mean);
    // computeMetrics' drawdown 1 − v/peak is exactly 0 when v ≥ peak (then v is the peak): not above mdd.
    // Below the peak it exceeds mdd only if v ≤ peak·(1 − mdd); above `deep` (that bound raised by 1e-9,
    // far more than the rounding of the four operations) it cannot, and the division is skipped.
    if (v >= peak) {
      peak = v;
      deep = peak * (1 - mdd) * (1 + 1e-9);
    } else if (v <= deep) {
      const dd = 1 - v / peak;
      if (dd > mdd) {
        mdd = dd;
        deep = peak * (1 - mdd) * (1 + 1e-9);
      }
    }
    prev = v;
  }
  return {
    strategy: spec.name,
    equity,
    rebalanceBars,
    weights: null,
    holdings: null,
    trades: null,
    assets: u.assets,
    metrics: finishMetrics(prev, mean, m2, k, mdd, times, opts.capital, opts.periodsPerYear, {
      rebalances,
      fees: sums[0]!,
      turnover: sums[1]!,
    }),
  };
}
