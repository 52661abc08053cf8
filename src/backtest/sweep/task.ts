import { makeUniverse } from '../../core/universe.ts';
import { type PreparedData, runBacktest } from '../engine/run.ts';
import type { BacktestOptions } from '../engine/types.ts';
import type { SweepConfig } from './grid.ts';
import { writeMetrics } from './metrics-layout.ts';

/** What every worker receives once: the prepared data in shared memory and the whole grid. */
export interface SweepJob {
  readonly cash: string;
  readonly target: Readonly<Record<string, number>>;
  readonly times: SharedArrayBuffer | ArrayBuffer;
  readonly prices: SharedArrayBuffer | ArrayBuffer;
  readonly results: SharedArrayBuffer | ArrayBuffer;
  readonly configs: readonly SweepConfig[];
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

/** Runs configs [lo, hi) of the job; the same code on the main thread (1 worker) and in workers. */
export function runSlice(job: SweepJob, data: PreparedData, lo: number, hi: number): void {
  const out = new Float64Array(job.results);
  for (let c = lo; c < hi; c++) {
    const cfg = job.configs[c]!;
    const options: BacktestOptions = { ...job.options, costs: { ...job.options.costs, feeBps: cfg.feeBps } };
    writeMetrics(out, c, runBacktest(data, cfg.spec, options).metrics);
  }
}
