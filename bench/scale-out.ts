/**
 * Scale-out figures (issue #28): cycles per second and p99 cycle latency with 1, 2 and 4 worker processes
 * at 1,000 and 10,000 bar-indexed paper portfolios, on a real PostgreSQL (BALLAST_TEST_PG_URL, or a
 * throw-away cluster started here). One job per portfolio, queued once every worker is ready; the clock runs
 * from the queueing to the last completion. Latency: a job's wall time in its worker (recovery + cycle).
 *
 *   node --import tsx bench/scale-out.ts                    # 1,000 and 10,000 portfolios × 1, 2, 4 workers
 *   BENCH_SCALE_PORTFOLIOS=1000 BENCH_SCALE_WORKERS=1,2 node --import tsx bench/scale-out.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CycleQueue } from '../src/store/postgres/cycle-queue.ts';
import { openPostgresStore } from '../src/store/postgres/index.ts';
import { freshDatabase } from '../test/support/postgres.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const sizes = (process.env.BENCH_SCALE_PORTFOLIOS ?? '1000,10000').split(',').map(Number);
const workerCounts = (process.env.BENCH_SCALE_WORKERS ?? '1,2,4').split(',').map(Number);

function spawnWorker(url: string, n: number, name: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, ['--import', 'tsx', 'test/trials/scale-child.ts', url, String(n), name, '60'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    c.on('exit', (code) => reject(new TypeError(`worker ${name} exited (${code}) before it was ready`)));
    void createInterface({ input: c.stdout! })
      [Symbol.asyncIterator]()
      .next()
      .then(() => resolve(c));
  });
}

async function run(n: number, w: number) {
  const url = await freshDatabase();
  const store = await openPostgresStore(url, { journalId: 'scale', poolSize: 2 });
  const queue = await CycleQueue.open(url, store, { deadlineMs: 60_000 });
  // The first worker registers the portfolios; the others then start beside it.
  const workers = [await spawnWorker(url, n, 'w1')];
  workers.push(...(await Promise.all(Array.from({ length: w - 1 }, (_, i) => spawnWorker(url, n, `w${i + 2}`)))));
  const ids = (await store.portfolios.list()).map((p) => p.id);
  const t0 = Date.now();
  await queue.enqueue(ids);
  for (;;) {
    const done = (await store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM cycle_jobs'))!.n;
    if (done >= n) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const wall = (Date.now() - t0) / 1000;
  const lat = (await store.sql.all<{ d: number }>('SELECT duration_ms AS d FROM cycle_jobs ORDER BY duration_ms')).map(
    (r) => r.d,
  );
  const trades = (await store.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM order_intents WHERE state = 'filled'"))!
    .n;
  for (const c of workers) c.kill('SIGTERM');
  await queue.stop();
  await store.close();
  return {
    portfolios: n,
    workers: w,
    cyclesPerSecond: Math.round((n / wall) * 10) / 10,
    p50Ms: lat[Math.floor(lat.length * 0.5)],
    p99Ms: lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.99))],
    ordersFilled: trades,
    wallSeconds: Math.round(wall * 10) / 10,
  };
}

for (const n of sizes) for (const w of workerCounts) process.stdout.write(`${JSON.stringify(await run(n, w))}\n`);
process.exit(0);
