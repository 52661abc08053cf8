import { uniformWidth } from '../../core/triggers/scan.ts';
import type { VolTrack, VolTrackParts } from '../../core/triggers/vol-track.ts';
import { makeUniverse } from '../../core/universe.ts';
import { bandTrack, trackable } from '../engine/band-track.ts';
import { installVolTrack } from '../engine/columns.ts';
import { fusedBands } from '../engine/fast.ts';
import { type PairConfig, runFusedPair } from '../engine/pair.ts';
import { EngineScratch, type PreparedData, runBacktest } from '../engine/run.ts';
import type { BacktestOptions, StrategySpec } from '../engine/types.ts';
import type { SweepConfig } from './grid.ts';
import { writeMetrics } from './metrics-layout.ts';

/** What every worker receives once, at its start: the prepared data in shared memory and the options. */
export interface SweepData {
  readonly cash: string;
  readonly target: Readonly<Record<string, number>>;
  readonly times: SharedArrayBuffer | ArrayBuffer;
  readonly prices: SharedArrayBuffer | ArrayBuffer;
  readonly options: Omit<BacktestOptions, 'costs'> & { readonly costs: BacktestOptions['costs'] };
}

/** One sweep on that data: the configs and where their metrics go. A pool runs many (walk-forward: two). */
export interface SweepTask {
  readonly results: SharedArrayBuffer | ArrayBuffer;
  /**
   * The configs, packed: each distinct strategy once, then per config its index and fee. A 10,000-config
   * grid has 500 strategies; cloning 10,000 config objects into every worker cost ~60 ms each.
   */
  readonly specs: readonly StrategySpec[];
  readonly specOf: Int32Array;
  readonly fees: Float64Array;
  /** Bars [from, to) of the data to run on (walk-forward halves); default all. */
  readonly from?: number;
  readonly to?: number;
  /** EWMA tracks of that window, in shared memory (sharedTracks); a worker installs them before running. */
  readonly tracks?: readonly VolTrackParts[];
}

const windows = new WeakMap<SweepData, Map<string, PreparedData>>();

/** The task's window of the data, one object per window (so its EWMA tracks and run buffers are reused). */
export function preparedFor(data: SweepData, task: Pick<SweepTask, 'from' | 'to'> = {}): PreparedData {
  let byWindow = windows.get(data);
  if (byWindow === undefined) {
    byWindow = new Map();
    windows.set(data, byWindow);
  }
  const key = `${task.from ?? 0}:${task.to ?? ''}`;
  let d = byWindow.get(key);
  if (d === undefined) {
    const u = makeUniverse(data.cash, data.target);
    const times = new Float64Array(data.times);
    const prices = new Float64Array(data.prices);
    const from = task.from ?? 0;
    const to = task.to ?? times.length;
    d = { u, times: times.subarray(from, to), prices: prices.subarray(from * u.n, to * u.n) };
    byWindow.set(key, d);
  }
  return d;
}

/**
 * The packed form of a config list (SweepTask.specs/specOf/fees): each strategy object once (buildGrid
 * shares one per width among its fees; equal strategies in distinct objects are simply sent twice).
 */
export function packConfigs(configs: readonly SweepConfig[]): Pick<SweepTask, 'specs' | 'specOf' | 'fees'> {
  const specs: StrategySpec[] = [];
  const index = new Map<StrategySpec, number>();
  const specOf = new Int32Array(configs.length);
  const fees = new Float64Array(configs.length);
  configs.forEach((c, k) => {
    let i = index.get(c.spec);
    if (i === undefined) {
      i = specs.push(c.spec) - 1;
      index.set(c.spec, i);
    }
    specOf[k] = i;
    fees[k] = c.feeBps;
  });
  return { specs, specOf, fees };
}

const scratches = new WeakMap<PreparedData, EngineScratch>();
/** One set of run buffers per data set, reused by every config a worker runs on it (only metrics are kept). */
function scratchFor(data: PreparedData): EngineScratch {
  let s = scratches.get(data);
  if (s === undefined) {
    s = new EngineScratch(data.u.n, data.times.length);
    scratches.set(data, s);
  }
  return s;
}

const optionsByFee = new WeakMap<SweepData, Map<number, BacktestOptions>>();

const optionsOf = (data: SweepData, feeBps: number): BacktestOptions => ({
  ...data.options,
  costs: { ...data.options.costs, feeBps },
});

/**
 * The options of every fee of a task, one object per fee (the run buffers key their plan contexts on it),
 * built before any run. Built twice, keeping the second: the first objects settle V8's object layouts (a
 * fee of 0 then 2.5 widens a field), so the kept ones all share the final layout. Objects from before
 * that widening made V8 throw away the engine's compiled code once ("wrong map").
 */
export function prepareOptions(data: SweepData, fees: Float64Array): void {
  const distinct = [...new Set(fees)];
  for (const f of distinct) optionsOf(data, f);
  const byFee = new Map<number, BacktestOptions>();
  for (const f of distinct) byFee.set(f, optionsOf(data, f));
  optionsByFee.set(data, byFee);
}

/** The options of a run at a fee (prepareOptions' object; one construction for real and warm-up runs). */
function optionsAt(data: SweepData, feeBps: number): BacktestOptions {
  let byFee = optionsByFee.get(data);
  if (byFee === undefined) {
    byFee = new Map();
    optionsByFee.set(data, byFee);
  }
  let o = byFee.get(feeBps);
  if (o === undefined) {
    o = optionsOf(data, feeBps);
    byFee.set(feeBps, o);
  }
  return o;
}

/** How many configs of the job share each strategy (buildGrid: the fees of one width), per job. */
const sharing = new WeakMap<SweepTask, Int32Array>();
function sharers(job: SweepTask): Int32Array {
  let s = sharing.get(job);
  if (s === undefined) {
    s = new Int32Array(job.specs.length);
    for (const k of job.specOf) s[k]!++;
    sharing.set(job, s);
  }
  return s;
}

/** The band tracks of a data set's last few widths (a grid runs its configs width by width), or null. */
const trackCache = new WeakMap<PreparedData, Map<number, Uint8Array> | null>();
const TRACKS_KEPT = 8;
function trackOf(data: PreparedData, width: number): Uint8Array | null {
  let m = trackCache.get(data);
  if (m === undefined) {
    m = trackable(data.prices, data.u.target, data.u.quoteIndex) ? new Map() : null;
    trackCache.set(data, m);
  }
  if (m === null) return null;
  let tr = m.get(width);
  if (tr === undefined) {
    tr = bandTrack(data.prices, data.u.target, width);
    if (m.size >= TRACKS_KEPT) m.delete(m.keys().next().value!);
    m.set(width, tr);
  }
  return tr;
}

/** A band track pays for itself when several configs of the slice's job share the width (≥ 4: 20 in a grid). */
const TRACK_MIN_SHARERS = 4;

/**
 * Runs configs [lo, hi) of the job; the same code on the main thread (1 worker) and in workers. Configs
 * the fused band loop takes (engine/fast.ts) run two at a time in lockstep (engine/pair.ts), the others
 * one by one; each config's metrics are the same numbers either way.
 */
export function runSlice(sweep: SweepData, job: SweepTask, data: PreparedData, lo: number, hi: number): void {
  const out = new Float64Array(job.results);
  const scratch = scratchFor(data);
  let held: PairConfig | null = null;
  let heldRow = -1;
  for (let c = lo; c < hi; c++) {
    const spec = job.specs[job.specOf[c]!]!;
    const opts = optionsAt(sweep, job.fees[c]!);
    const set = scratch.setup(data, spec, opts);
    const bands = set === null ? null : fusedBands(spec, opts, set.kernel, false);
    if (set === null || bands === null) {
      writeMetrics(out, c, runBacktest(data, spec, opts, { rebalanceBars: false }, scratch).metrics);
      continue;
    }
    const track =
      spec.mode === 'full' && sharers(job)[job.specOf[c]!]! >= TRACK_MIN_SHARERS
        ? trackOf(data, uniformWidth(bands))
        : null;
    const config = {
      ctx: set.ctx,
      bands,
      mode: spec.mode,
      capital: opts.capital,
      periodsPerYear: opts.periodsPerYear,
      track,
    };
    if (held === null) {
      held = config;
      heldRow = c;
      continue;
    }
    const [a, b] = runFusedPair(data, held, config, scratch.buf, scratch.px, scratch.qty, scratch.w);
    writeMetrics(out, heldRow, a);
    writeMetrics(out, c, b);
    held = null;
  }
  if (held !== null) {
    const spec = job.specs[job.specOf[heldRow]!]!;
    const opts = optionsAt(sweep, job.fees[heldRow]!);
    writeMetrics(out, heldRow, runBacktest(data, spec, opts, { rebalanceBars: false }, scratch).metrics);
  }
}

/**
 * Runs one strategy of each kind in the job (trigger type × plan mode) over the first bars at two fees, results
 * discarded, before the real work: the JIT then sees every kernel the sweep will use before it optimizes
 * the engine, and compiles it once, instead of again at each family boundary of the grid (each compile of
 * the engine costs ~50 ms of CPU; with every core busy sweeping, that time is taken from the sweep).
 */
const warmed = new Set<string>();

export function warmUp(
  sweep: SweepData,
  job: SweepTask,
  data: PreparedData,
  tracks: readonly VolTrack[] = [],
  bars = 60,
): void {
  const T = Math.min(bars, data.times.length);
  if (T < 2) return;
  const n = data.u.n;
  const head: PreparedData = { u: data.u, times: data.times.subarray(0, T), prices: data.prices.subarray(0, T * n) };
  // The data's EWMA tracks serve its first bars too (row k is the state after bars 0…k): the warm-up then
  // reads the very arrays the real runs read, and computes none.
  for (const t of tracks) installVolTrack(head, t);
  const scratch = scratchFor(head);
  // The grid's first two fees (0, 2.5): a zero and a non-zero rate take different branches of the planner
  // (one fee left four of them to deopt mid-sweep); 60 bars let the vol kernels warm up and fire, and
  // calendars cross a period. 120 bars and three fees gave V8 no more to go on (--trace-deopt: the same).
  const fees = [...new Set(job.fees.subarray(0, 64))].slice(0, 2);
  for (const spec of job.specs) {
    const tr = spec.trigger;
    // kind × mode × targets, and the parameters that take other branches (an exponent, a period)
    const detail = tr === 'hodl' ? '' : tr.type === 'voladaptive' ? tr.exponent : 'period' in tr ? tr.period : '';
    const key = `${tr === 'hodl' ? 'hodl' : tr.type}:${detail}:${spec.mode}:${spec.targets.kind}`;
    if (warmed.has(key)) continue; // kinds an earlier task of this worker ran are warm already
    warmed.add(key);
    for (const fee of fees) runBacktest(head, spec, optionsAt(sweep, fee), { rebalanceBars: false }, scratch);
  }
}
