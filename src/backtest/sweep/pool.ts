import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PreparedData } from '../engine/run.ts';
import type { BacktestOptions } from '../engine/types.ts';
import { bundleWorker } from './bundle.ts';
import type { SweepConfig } from './grid.ts';
import { K } from './metrics-layout.ts';
import { packConfigs, preparedFromJob, runSlice, type SweepJob } from './task.ts';

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

/** A worker on the bundled worker script: dist's worker.cjs, or worker.ts bundled in memory from source. */
async function spawn(job: SweepJob): Promise<Worker> {
  if (!fromSource && existsSync(built)) return new Worker(built, { workerData: job });
  if (!fromSource) return new Worker(join(here, 'worker.js'), { workerData: job }); // a build without the bundle
  bundle ??= bundleWorker(join(here, 'worker.ts'));
  return new Worker(await bundle, { eval: true, workerData: job });
}

/**
 * Runs every config over the data, on `workers` threads pulling chunks of configs (so a slow corner of
 * the grid does not idle the others). The prepared prices live in one SharedArrayBuffer read by all;
 * each config's metrics land in a shared results matrix (configs × K, row order = config order).
 */
export async function runSweep(
  data: PreparedData,
  configs: readonly SweepConfig[],
  options: Omit<BacktestOptions, 'costs'> & { costs: BacktestOptions['costs'] },
  run: SweepRunOptions = {},
): Promise<Float64Array> {
  const share = (a: Float64Array) => {
    const sab = new SharedArrayBuffer(a.byteLength);
    new Float64Array(sab).set(a);
    return sab;
  };
  const job: SweepJob = {
    cash: options.cash,
    target: options.target,
    times: share(data.times),
    prices: share(data.prices),
    results: new SharedArrayBuffer(configs.length * K * 8),
    ...packConfigs(configs),
    options,
    from: run.from,
    to: run.to,
  };
  const total = configs.length;
  const nWorkers = Math.max(0, Math.min(run.workers ?? (await import('node:os')).availableParallelism(), total));
  if (nWorkers === 0) {
    const d = preparedFromJob(job);
    const step = Math.max(1, Math.ceil(total / 100));
    for (let lo = 0; lo < total; lo += step) {
      runSlice(job, d, lo, Math.min(total, lo + step));
      run.onProgress?.(Math.min(total, lo + step), total);
    }
    return new Float64Array(job.results);
  }
  const chunk = Math.max(1, Math.ceil(total / (nWorkers * 40)));
  let next = 0;
  let done = 0;
  const workers = await Promise.all(Array.from({ length: nWorkers }, () => spawn(job)));
  await new Promise<void>((resolve, reject) => {
    let live = nWorkers;
    for (const worker of workers) {
      const feed = () => {
        if (next >= total) {
          worker.postMessage('stop');
          return;
        }
        const lo = next;
        next = Math.min(total, next + chunk);
        worker.postMessage({ lo, hi: next });
      };
      worker.on('message', (m: 'ready' | { lo: number; hi: number }) => {
        if (m !== 'ready') {
          done += m.hi - m.lo;
          run.onProgress?.(done, total);
        }
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0 && next < total) reject(new Error(`sweep worker exited with code ${code}`));
        if (--live === 0) resolve();
      });
    }
  });
  if (done !== total) throw new Error(`sweep finished ${done} of ${total} configs`);
  return new Float64Array(job.results);
}
