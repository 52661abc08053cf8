import { decisionCode, Rule } from '../../core/cycle-decision.ts';
import { BallastError } from '../../core/errors.ts';
import { makePlanContext, PlanBuffers, type PlanContext } from '../../core/planner/context.ts';
import { planInto } from '../../core/planner/plan.ts';
import { compileTrigger, neverKernel } from '../../core/triggers/compile.ts';
import type { TriggerKernel } from '../../core/triggers/types.ts';
import { makeUniverse, type Universe } from '../../core/universe.ts';
import { columnsOf } from './columns.ts';
import { fusedBands, runFusedBand } from './fast.ts';
import { computeMetrics } from './metrics.ts';
import { updateTarget } from './targets.ts';
import type { BacktestOptions, BacktestResult, Holdings, MarketData, StrategySpec, TradeRecord } from './types.ts';

/** Prices in universe order (T×n, the cash column = 1), shared by every strategy run on the same data. */
export interface PreparedData {
  readonly u: Universe;
  readonly times: Float64Array;
  readonly prices: Float64Array;
}

export function prepareData(data: MarketData, cash: string, target: Readonly<Record<string, number>>): PreparedData {
  const u = makeUniverse(cash, target);
  const m = data.assets.length;
  const T = data.times.length;
  const col = u.assets.map((a) => (a === cash ? -1 : data.assets.indexOf(a)));
  col.forEach((c, i) => {
    if (c < 0 && i !== u.quoteIndex)
      throw new BallastError(`no prices for target asset ${u.assets[i]}`, { next: 'fix-input' });
  });
  const n = u.n;
  const prices = new Float64Array(T * n);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) prices[t * n + i] = col[i]! < 0 ? 1 : data.prices[t * m + col[i]!]!;
  }
  return { u, times: data.times, prices };
}

/**
 * The buffers of one run, for a caller that runs many over the same data (a sweep worker) and keeps only
 * their metrics: a result computed with it borrows its equity array, which the next run overwrites.
 */
export class EngineScratch {
  readonly buf: PlanBuffers;
  readonly qty: Float64Array;
  readonly px: Float64Array;
  readonly w: Float64Array;
  readonly equity: Float64Array;
  // Fixed-target runs on one data set share a universe; their plan contexts (per options object) and
  // trigger kernels (per strategy object, reset before each run) are built once, so that a sweep's
  // 10,000 runs do not rebuild them 10,000 times (nor make V8 compile the builders).
  // (Made on the first setup: a one-off run's scratch never needs it, and a WeakMap is slow to make.)
  private shared: WeakMap<
    PreparedData,
    { u: Universe; contexts: Map<BacktestOptions, PlanContext>; kernels: Map<StrategySpec, TriggerKernel> }
  > | null = null;
  constructor(
    readonly n: number,
    bars: number,
  ) {
    this.buf = new PlanBuffers(n);
    this.qty = new Float64Array(n);
    this.px = new Float64Array(n);
    this.w = new Float64Array(n);
    this.equity = new Float64Array(bars);
  }

  /**
   * The universe, plan context and freshly reset kernel of a run with fixed targets and a trigger that
   * does not read the costs (every kind but costaware and optband), or null (the run builds its own).
   */
  setup(
    data: PreparedData,
    spec: StrategySpec,
    opts: BacktestOptions,
  ): { u: Universe; ctx: PlanContext; kernel: TriggerKernel } | null {
    this.shared ??= new WeakMap();
    let shared = this.shared.get(data);
    if (shared === undefined) {
      shared = { u: { ...data.u, target: Float64Array.from(data.u.target) }, contexts: new Map(), kernels: new Map() };
      this.shared.set(data, shared);
    }
    let kernel = shared.kernels.get(spec);
    // A spec's kind is read on its first run only (a sweep of 10,000 runs over 500 specs reads it 500 times).
    if (
      kernel === undefined &&
      (spec.targets.kind !== 'fixed' ||
        (spec.trigger !== 'hodl' && (spec.trigger.type === 'costaware' || spec.trigger.type === 'optband')))
    )
      return null;
    const u = shared.u;
    let ctx = shared.contexts.get(opts);
    if (ctx === undefined) {
      ctx = makePlanContext(u, { costs: opts.costs, constraints: opts.constraints, trigger: undefined });
      shared.contexts.set(opts, ctx);
    }
    if (kernel === undefined) {
      kernel = spec.trigger === 'hodl' ? neverKernel(u.n) : compileTrigger(spec.trigger, ctx, columnsOf(data));
      shared.kernels.set(spec, kernel);
    } else kernel.reset();
    return { u, ctx, kernel };
  }
}

/**
 * Runs one strategy over prepared data with the core's own trigger kernel, planner and cost model
 * (docs/backtest.md gives the exact semantics). Allocation-free per bar unless dynamic targets are used.
 */
export function runBacktest(
  data: PreparedData,
  spec: StrategySpec,
  opts: BacktestOptions,
  record: {
    weights?: boolean;
    trades?: boolean;
    rebalanceBars?: boolean;
    /** Keep the holdings after each trade (see BacktestResult.holdings). */
    holdings?: boolean;
    /** Called with (bar, bars) about every 1% of the run, between quiet-bar scans: long runs show progress. */
    progress?: (t: number, T: number) => void;
    /** Run the general loop even where the fused one applies (engine/fast.ts; the tests compare them). */
    general?: boolean;
  } = {},
  scratch?: EngineScratch,
): BacktestResult {
  const base = data.u;
  const T = data.times.length;
  if (scratch && (scratch.n !== base.n || scratch.equity.length !== T))
    throw new BallastError(`runBacktest: scratch is for ${scratch.n} entries × ${scratch.equity.length} bars`);
  const reused = scratch?.setup(data, spec, opts) ?? null;
  // A private universe per run otherwise: dynamic targets rewrite its target in place, and kernels read it.
  const u: Universe = reused?.u ?? { ...base, target: Float64Array.from(base.target) };
  const n = u.n;
  const q = u.quoteIndex;
  const trigger = spec.trigger === 'hodl' ? undefined : spec.trigger;
  const ctx = reused?.ctx ?? makePlanContext(u, { costs: opts.costs, constraints: opts.constraints, trigger });
  const kernel: TriggerKernel =
    reused?.kernel ?? (spec.trigger === 'hodl' ? neverKernel(n) : compileTrigger(spec.trigger, ctx, columnsOf(data)));
  const { buf, qty, px, w, equity } = scratch ?? new EngineScratch(n, T);
  const keepBars = record.rebalanceBars !== false;
  // A fixed-target band run that records nothing per bar or trade: one fused loop (engine/fast.ts).
  const perBar = !!record.weights || !!record.trades || !!record.holdings || !!record.progress || !!record.general;
  const bands = fusedBands(spec, opts, kernel, perBar);
  if (bands !== null) return runFusedBand(data, spec, opts, { u, ctx, buf, qty, px, equity }, bands, keepBars);
  qty.fill(0);
  const weights = record.weights ? new Float64Array(T * n) : null;
  const rebalanceBars: number[] = [];
  let rebalances = 0;
  const trades: TradeRecord[] | null = record.trades ? [] : null;
  const held = record.holdings === true ? new HoldingsLog(n) : null;
  const progress = record.progress;
  const tick = Math.max(1, Math.floor(T / 100));
  let nextTick = tick;
  const bar = { time: 0, prevTime: Number.NaN, qty, prices: px, w, value: 0 };
  const P = data.prices;
  // fees, turnover and the value after the last trade, written by the trade closure: in a typed array,
  // because a captured `let` number is boxed and every `+=` on it allocated (per asset per rebalance: most
  // of a sweep's garbage), and so is a number returned by a call V8 did not inline.
  const sums = new Float64Array(3);

  const popts: { halfWidth: Float64Array | null; cov: Float64Array | null } = { halfWidth: null, cov: null };
  /** Plans and applies a rebalance at bar t; the value after it (mark()'s sum, in the same pass) goes to sums[2]. */
  const trade = (t: number, mode: 'full' | 'edge' | 'auto'): void => {
    if (spec.targets.kind !== 'fixed') updateTarget(spec.targets, u, base.target, P, data.times, t, u.target);
    // Only edge and auto plans read the band and the covariance (relband's halfWidth is computed on call).
    popts.halfWidth = mode === 'full' ? null : kernel.halfWidth();
    popts.cov = mode === 'full' ? null : kernel.covariance();
    planInto(ctx, qty, px, mode, buf, popts);
    let v = 0;
    for (let i = 0; i < n; i++) {
      qty[i] = qty[i]! + buf.dq[i]!;
      v += qty[i]! * px[i]!;
      if (i !== q) sums[1] = sums[1]! + buf.notional[i]!;
      if (trades !== null && i !== q && buf.dq[i] !== 0)
        trades.push({ bar: t, asset: u.assets[i]!, quantity: buf.dq[i]! });
    }
    sums[0] = sums[0]! + buf.totalCost;
    sums[2] = v;
    held?.push(t, qty);
  };
  const mark = (t: number) => {
    let v = 0;
    for (let i = 0; i < n; i++) v += qty[i]! * px[i]!;
    equity[t] = v;
    if (weights !== null) for (let i = 0; i < n; i++) weights[t * n + i] = (qty[i]! * px[i]!) / v;
    return v;
  };

  // Bar 0: invest the capital to the target at the close, costs included; not a rebalance.
  for (let i = 0; i < n; i++) px[i] = P[i]!;
  qty[q] = opts.capital;
  kernel.observe(px);
  trade(0, 'full');
  mark(0);
  let pending = false;
  const cooldownMs = opts.cooldownMs ?? 0;
  // Bar 0's investment is the first trade: the cooldown runs from it, as in the service (an invested cycle).
  let lastRebalanceAt = data.times[0]!;
  // Between rebalances the kernel scans the quiet bars itself, observing and checking them in one tight
  // loop and writing their values, up to the bar that fires (docs/backtest.md: the same decisions as the
  // per-bar path below, which runs when weights are recorded, after a lagged decision, and for kernels
  // without a scan).
  const scans = weights === null && kernel.scan !== undefined;
  for (let t = 1; t < T; t++) {
    if (progress !== undefined && t >= nextTick) {
      progress(t, T);
      nextTick = t + tick;
    }
    let v = 0;
    let fired: boolean;
    if (scans && !pending) {
      t = kernel.scan!(P, data.times, qty, t, T, equity);
      if (t >= T) break;
      const off = t * n;
      for (let i = 0; i < n; i++) px[i] = P[off + i]!;
      v = equity[t]!;
      fired = true;
    } else {
      // One pass: prices, holdings' values and their sum (the same summation order as mark()).
      const off = t * n;
      for (let i = 0; i < n; i++) {
        const p = P[off + i]!;
        px[i] = p;
        const h = qty[i]! * p;
        w[i] = h;
        v += h;
      }
      kernel.observe(px);
      if (pending) {
        trade(t, spec.mode);
        pending = false;
        v = 0;
        for (let i = 0; i < n; i++) {
          w[i] = qty[i]! * px[i]!;
          v += w[i]!;
        }
      }
      const inv = 1 / v;
      for (let i = 0; i < n; i++) w[i] = w[i]! * inv;
      bar.time = data.times[t]!;
      bar.prevTime = data.times[t - 1]!;
      bar.value = v;
      fired = kernel.check(bar) >= 0;
    }
    // The core's rule chain (cooldown; pause and unknown legs never apply to a simulation): one call per
    // fired bar, numbers in and a number out, nothing allocated.
    if (fired && cooldownMs > 0) {
      fired = decisionCode(false, false, true, false, data.times[t]!, lastRebalanceAt, cooldownMs) === Rule.Go;
      if (fired) lastRebalanceAt = data.times[t]!;
    }
    if (fired) {
      rebalances++;
      if (keepBars) rebalanceBars.push(t);
      if (opts.lag === 1) pending = true;
      else {
        trade(t, spec.mode);
        v = sums[2]!;
      }
    }
    if (weights !== null) mark(t);
    else equity[t] = v;
  }
  return {
    strategy: spec.name,
    equity,
    rebalanceBars,
    weights,
    holdings: held?.done() ?? null,
    trades,
    assets: u.assets,
    metrics: computeMetrics(equity, data.times, opts.capital, opts.periodsPerYear, {
      rebalances,
      fees: sums[0]!,
      turnover: sums[1]!,
    }),
  };
}

/** Holdings after each trade, in growable typed arrays (amortised: no allocation per rebalance). */
class HoldingsLog {
  private bars = new Int32Array(64);
  private qty: Float64Array;
  private k = 0;
  constructor(private readonly n: number) {
    this.qty = new Float64Array(64 * n);
  }
  push(t: number, q: Float64Array): void {
    if (this.k === this.bars.length) {
      const bars = new Int32Array(this.k * 2);
      bars.set(this.bars);
      this.bars = bars;
      const qty = new Float64Array(this.k * 2 * this.n);
      qty.set(this.qty);
      this.qty = qty;
    }
    this.bars[this.k] = t;
    this.qty.set(q.subarray(0, this.n), this.k * this.n);
    this.k++;
  }
  done(): Holdings {
    return { bars: this.bars.slice(0, this.k), qty: this.qty.slice(0, this.k * this.n) };
  }
}

/**
 * The weights at bar t from a run's holdings and the data's prices, into `out` (length n): the same
 * quantities × prices / value the engine marks, so they equal its `weights` at t.
 */
export function holdingsWeights(h: Holdings, prices: Float64Array, n: number, t: number, out: Float64Array): void {
  let lo = 0;
  let hi = h.bars.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (h.bars[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  const off = t * n;
  const q = lo * n;
  let v = 0;
  for (let i = 0; i < n; i++) v += h.qty[q + i]! * prices[off + i]!;
  for (let i = 0; i < n; i++) out[i] = (h.qty[q + i]! * prices[off + i]!) / v;
}
