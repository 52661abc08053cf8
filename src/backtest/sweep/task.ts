import { makeUniverse } from '../../core/universe.ts';
import { EngineScratch, type PreparedData, runBacktest } from '../engine/run.ts';
import type { BacktestOptions, StrategySpec } from '../engine/types.ts';
import type { SweepConfig } from './grid.ts';
import { writeMetrics } from './metrics-layout.ts';

/** What every worker receives once: the prepared data in shared memory and the whole grid. */
export interface SweepJob {
  readonly cash: string;
  readonly target: Readonly<Record<string, number>>;
  readonly times: SharedArrayBuffer | ArrayBuffer;
  readonly prices: SharedArrayBuffer | ArrayBuffer;
  readonly results: SharedArrayBuffer | ArrayBuffer;
  /**
   * The configs, packed: each distinct strategy once, then per config its index and fee. A 10,000-config
   * grid has 500 strategies; cloning 10,000 config objects into every worker cost ~60 ms each.
   */
  readonly specs: readonly StrategySpec[];
  readonly specOf: Int32Array;
  readonly fees: Float64Array;
  readonly options: Omit<BacktestOptions, 'costs'> & { readonly costs: BacktestOptions['costs'] };
  /** Bars [from, to) of the data to run on (walk-forward halves); default all. */
  readonly from?: number;
  readonly to?: number;
}

export function preparedFromJob(job: SweepJob): PreparedData {
  const u = makeUniverse(job.cash, job.target);
  const times = new Float64Array(job.times);
  const prices = new Float64Array(job.prices);
  const from = job.from ?? 0;
  const to = job.to ?? times.length;
  return { u, times: times.subarray(from, to), prices: prices.subarray(from * u.n, to * u.n) };
}

/** The packed form of a config list (SweepJob.specs/specOf/fees): strategies deduplicated by content. */
export function packConfigs(configs: readonly SweepConfig[]): Pick<SweepJob, 'specs' | 'specOf' | 'fees'> {
  const specs: StrategySpec[] = [];
  const index = new Map<string, number>();
  const specOf = new Int32Array(configs.length);
  const fees = new Float64Array(configs.length);
  configs.forEach((c, k) => {
    const key = JSON.stringify(c.spec);
    let i = index.get(key);
    if (i === undefined) {
      i = specs.push(c.spec) - 1;
      index.set(key, i);
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

/** The options of a run at a fee: one construction for real and warm-up runs, so every run has one shape. */
function optionsAt(job: SweepJob, feeBps: number): BacktestOptions {
  return { ...job.options, costs: { ...job.options.costs, feeBps } };
}

/** Runs configs [lo, hi) of the job; the same code on the main thread (1 worker) and in workers. */
export function runSlice(job: SweepJob, data: PreparedData, lo: number, hi: number): void {
  const out = new Float64Array(job.results);
  const scratch = scratchFor(data);
  for (let c = lo; c < hi; c++) {
    const spec = job.specs[job.specOf[c]!]!;
    writeMetrics(
      out,
      c,
      runBacktest(data, spec, optionsAt(job, job.fees[c]!), { rebalanceBars: false }, scratch).metrics,
    );
  }
}

/**
 * Runs one strategy of each kind in the job (trigger type × plan mode) over the first bars, results
 * discarded, before the real work: the JIT then sees every kernel the sweep will use before it optimizes
 * the engine, and compiles it once, instead of again at each family boundary of the grid (each compile of
 * the engine costs ~50 ms of CPU; with every core busy sweeping, that time is taken from the sweep).
 */
export function warmUp(job: SweepJob, data: PreparedData, bars = 120): void {
  const T = Math.min(bars, data.times.length);
  if (T < 2) return;
  const n = data.u.n;
  const head: PreparedData = { u: data.u, times: data.times.subarray(0, T), prices: data.prices.subarray(0, T * n) };
  const scratch = scratchFor(head);
  const fees = [...new Set(job.fees.subarray(0, 64))].slice(0, 3); // the grid's first fees: 0, 2.5, 5, …
  const seen = new Set<string>();
  for (const spec of job.specs) {
    const tr = spec.trigger;
    // kind × mode × targets, and the parameters that take other branches (an exponent, a period)
    const detail = tr === 'hodl' ? '' : tr.type === 'voladaptive' ? tr.exponent : 'period' in tr ? tr.period : '';
    const key = `${tr === 'hodl' ? 'hodl' : tr.type}:${detail}:${spec.mode}:${spec.targets.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const fee of fees) runBacktest(head, spec, optionsAt(job, fee), { rebalanceBars: false }, scratch);
  }
}
