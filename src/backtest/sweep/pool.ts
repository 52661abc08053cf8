import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { BallastError } from '../../core/errors.ts';
import type { PreparedData } from '../engine/run.ts';
import type { BacktestOptions } from '../engine/types.ts';
import { bundleWorker } from './bundle.ts';
import type { SweepConfig } from './grid.ts';
import { K } from './metrics-layout.ts';
import { packConfigs, preparedFor, runSlice, type SweepData, type SweepTask } from './task.ts';
import { sharedTracks } from './tracks.ts';
import type { FromWorker, ToWorker } from './worker.ts';

export interface SweepRunOptions {
  /** worker_threads to use (default: the machine's cores). 0 runs on the calling thread. */
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Bars [from, to) only (walk-forward). */
  readonly from?: number;
  readonly to?: number;
}

const fromSource = import.meta.url.endsWith('.ts');
const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, 'worker.cjs'); // written by `npm run build` (scripts/bundle-worker.mjs)

let bundle: Promise<string> | undefined;

/**
 * The options of a worker on the bundle. A bundle is self-contained: it needs none of the parent's
 * preloads, which a worker inherits by default (under `node --import tsx`, as the tests and the bench
 * run, every sweep worker loaded tsx first; the bench's cold 2-worker sweep took 2.15–2.34 s then, 2.06 s
 * without: docs/benchmarks.md).
 */
export function bundleWorkerOptions(sweep: SweepData): WorkerOptions {
  return { workerData: sweep, execArgv: [] };
}

/** A worker on the bundled worker script: dist's worker.cjs, or worker.ts bundled in memory from source. */
async function spawn(sweep: SweepData): Promise<Worker> {
  if (!fromSource && existsSync(built)) return new Worker(built, bundleWorkerOptions(sweep));
  if (!fromSource) return new Worker(join(here, 'worker.js'), { workerData: sweep }); // a build without the bundle
  bundle ??= bundleWorker(join(here, 'worker.ts'));
  return new Worker(await bundle, { ...bundleWorkerOptions(sweep), eval: true });
}

type SweepOptions = Omit<BacktestOptions, 'costs'> & { costs: BacktestOptions['costs'] };

/**
 * A chunk size rounded up to whole runs of configs that share one strategy (a grid's fees of one band width sit
 * side by side): a run split across two chunks, likely taken by two workers, makes both compute its band track.
 * Kept only while every worker still gets ≥ 8 chunks.
 */
export function alignedChunk(specOf: Int32Array | readonly number[], chunk: number, workers: number): number {
  let run = 1;
  while (run < specOf.length && specOf[run] === specOf[0]) run++;
  const aligned = Math.ceil(chunk / run) * run;
  return run > 1 && aligned * workers * 8 <= specOf.length ? aligned : chunk;
}

/**
 * worker_threads over one data set, reusable for many sweeps (walk-forward runs two; a caller may run
 * more): the prices live in one SharedArrayBuffer read by all, and a worker keeps what it has compiled and
 * computed (EWMA tracks, run buffers) from one sweep to the next. Workers take chunks of configs from a
 * shared counter (worker.ts), so a slow corner of the grid idles no one; each config's metrics land in a
 * shared results matrix (configs × K, row order = config order). With 0 workers, sweeps run on the calling
 * thread.
 */
export class SweepPool {
  private seq = 0;
  private constructor(
    private readonly sweep: SweepData,
    private readonly workers: readonly Worker[],
  ) {}

  static async open(data: PreparedData, options: SweepOptions, workers?: number): Promise<SweepPool> {
    const share = (a: Float64Array) => {
      const sab = new SharedArrayBuffer(a.byteLength);
      new Float64Array(sab).set(a);
      return sab;
    };
    const sweep: SweepData = {
      cash: options.cash,
      target: options.target,
      times: share(data.times),
      prices: share(data.prices),
      options,
    };
    const n = Math.max(0, workers ?? availableParallelism());
    return new SweepPool(sweep, await Promise.all(Array.from({ length: n }, () => spawn(sweep))));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs every config over the data (or its bars [from, to)); resolves to the results matrix. */
  async run(configs: readonly SweepConfig[], run: Omit<SweepRunOptions, 'workers'> = {}): Promise<Float64Array> {
    const packed = packConfigs(configs);
    const window = { from: run.from, to: run.to };
    const task: SweepTask = {
      results: new SharedArrayBuffer(configs.length * K * 8),
      ...packed,
      ...window,
      tracks: this.workers.length > 0 ? sharedTracks(preparedFor(this.sweep, window), packed.specs) : [],
    };
    const total = configs.length;
    const workers = this.workers.slice(0, Math.max(1, Math.min(this.workers.length, total)));
    if (this.workers.length === 0 || total === 0) {
      const d = preparedFor(this.sweep, task);
      const step = Math.max(1, Math.ceil(total / 100));
      for (let lo = 0; lo < total; lo += step) {
        runSlice(this.sweep, task, d, lo, Math.min(total, lo + step));
        run.onProgress?.(Math.min(total, lo + step), total);
      }
      return new Float64Array(task.results);
    }
    const id = ++this.seq;
    // Small chunks (~100 per worker): taking one costs an atomic add, and they keep the tail short.
    const chunk = alignedChunk(packed.specOf, Math.max(1, Math.ceil(total / (workers.length * 100))), workers.length);
    const next = new SharedArrayBuffer(4);
    let done = 0;
    const detach: (() => void)[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        for (const worker of workers) {
          const onMessage = (m: FromWorker) => {
            if (m.id !== id) return;
            done += m.hi - m.lo;
            run.onProgress?.(done, total);
            if (done === total) resolve();
          };
          const onExit = (code: number) => reject(new BallastError(`sweep worker exited with code ${code}`));
          worker.on('message', onMessage).on('error', reject).on('exit', onExit);
          detach.push(() => worker.off('message', onMessage).off('error', reject).off('exit', onExit));
          worker.postMessage({ task, id, next, chunk } satisfies ToWorker);
        }
      });
    } finally {
      for (const d of detach) d();
    }
    return new Float64Array(task.results);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.postMessage('stop' satisfies ToWorker);
          }),
      ),
    );
  }
}

/** One sweep on a pool of its own (opened, run, closed); `workers` defaults to the machine's cores. */
export async function runSweep(
  data: PreparedData,
  configs: readonly SweepConfig[],
  options: SweepOptions,
  run: SweepRunOptions = {},
): Promise<Float64Array> {
  const pool = await SweepPool.open(data, options, Math.min(run.workers ?? availableParallelism(), configs.length));
  try {
    return await pool.run(configs, run);
  } finally {
    await pool.close();
  }
}
