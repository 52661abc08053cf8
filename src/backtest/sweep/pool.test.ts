import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareData, runBacktest } from '../engine/run.ts';
import type { BacktestOptions } from '../engine/types.ts';
import { generateGbm } from '../synthetic/index.ts';
import { buildGrid, linSpace, logSpace } from './grid.ts';
import { K, METRIC_KEYS } from './metrics-layout.ts';
import { alignedChunk, bundleWorkerOptions, runSweep, SweepPool } from './pool.ts';
import { packConfigs, preparedFor, type SweepData, type SweepTask, warmUp } from './task.ts';

const mkt = generateGbm({
  seed: 5,
  bars: 400,
  assets: 4,
  sigma: linSpace(0.6, 1.2, 4),
  barsPerYear: 365,
  correlation: 0.5,
});
const target = Object.fromEntries(mkt.assets.map((a) => [a, 0.25]));
const data = prepareData(mkt, 'USD', target);
const options: BacktestOptions = {
  cash: 'USD',
  target,
  capital: 1e6,
  costs: { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
  constraints: { assets: {} },
  lag: 0,
  periodsPerYear: 365,
};
const configs = buildGrid({
  families: ['band', 'relband', 'vol:-1', 'vol:1', 'hybrid:month', 'calendar:week'],
  widths: logSpace(0.005, 0.3, 5),
  fees: linSpace(0, 40, 3),
});

/** What each config must get: runBacktest on the data (or its bars [from, to)), row by row. */
function expected(from = 0, to = data.times.length): Float64Array {
  const n = data.u.n;
  const part = { u: data.u, times: data.times.subarray(from, to), prices: data.prices.subarray(from * n, to * n) };
  const out = new Float64Array(configs.length * K);
  configs.forEach((c, row) => {
    const m = runBacktest(part, c.spec, { ...options, costs: { ...options.costs, feeBps: c.feeBps } }).metrics;
    METRIC_KEYS.forEach((key, k) => {
      out[row * K + k] = m[key] ?? Number.NaN;
    });
  });
  return out;
}

describe('runSweep', () => {
  it('2 workers, 1 worker and the calling thread give every config the metrics of its own backtest', async () => {
    const want = [...expected()];
    for (const workers of [2, 1, 0]) {
      let last = 0;
      const got = await runSweep(data, configs, options, { workers, onProgress: (done) => (last = done) });
      assert.deepEqual([...got], want, `workers: ${workers}`);
      assert.equal(last, configs.length, 'progress reaches the total');
    }
  });
  it('a pool runs several sweeps on the same workers (the whole data, then a window)', async () => {
    const pool = await SweepPool.open(data, options, 2);
    try {
      assert.equal(pool.size, 2);
      assert.deepEqual([...(await pool.run(configs))], [...expected()]);
      assert.deepEqual([...(await pool.run(configs, { from: 100, to: 300 }))], [...expected(100, 300)]);
      const few = configs.slice(0, 1);
      assert.deepEqual([...(await pool.run(few))], [...expected()].slice(0, K));
    } finally {
      await pool.close();
    }
  });
  it('walk-forward halves run on their own bars only', async () => {
    const half = 200;
    assert.deepEqual([...(await runSweep(data, configs, options, { workers: 2, to: half }))], [...expected(0, half)]);
    assert.deepEqual(
      [...(await runSweep(data, configs, options, { workers: 1, from: half }))],
      [...expected(half, data.times.length)],
    );
  });
  it('packs configs: each distinct strategy once, fees and indices per config', () => {
    const p = packConfigs(configs);
    assert.equal(p.specs.length, configs.length / 3); // 3 fees per strategy
    configs.forEach((c, k) => {
      assert.deepEqual(p.specs[p.specOf[k]!], c.spec);
      assert.equal(p.fees[k], c.feeBps);
    });
  });
  it('the warm-up runs every kind without touching the results', () => {
    const share = (a: Float64Array) => {
      const b = new SharedArrayBuffer(a.byteLength);
      new Float64Array(b).set(a);
      return b;
    };
    const sweep: SweepData = { cash: 'USD', target, times: share(data.times), prices: share(data.prices), options };
    const job: SweepTask = { results: new SharedArrayBuffer(configs.length * K * 8), ...packConfigs(configs) };
    warmUp(sweep, job, preparedFor(sweep, job));
    assert.ok(new Float64Array(job.results).every((x) => x === 0));
  });
  it("starts workers without the parent's preloads (the tests run under --import tsx)", () => {
    assert.ok(process.execArgv.length > 0, 'this test runs with preloads to drop');
    const sweep: SweepData = { cash: 'USD', target, times: data.times.buffer, prices: data.prices.buffer, options };
    assert.deepEqual(bundleWorkerOptions(sweep).execArgv, []);
  });
});

describe('alignedChunk', () => {
  // W3's grid: 100 band widths × 20 fees, the fees of one width side by side
  const grid = Int32Array.from({ length: 2000 }, (_, c) => Math.floor(c / 20));
  it('rounds a chunk up to whole runs of one strategy, so no band width is split between two workers', () => {
    assert.equal(alignedChunk(grid, 10, 2), 20);
    assert.equal(alignedChunk(grid, 21, 2), 40);
    for (let lo = 0; lo < 2000; lo += alignedChunk(grid, 10, 2)) assert.equal(grid[lo - 1] === grid[lo], false);
  });
  it('keeps the chunk when every config is its own strategy, or when whole runs would leave a worker < 8 chunks', () => {
    assert.equal(
      alignedChunk(
        Int32Array.from({ length: 500 }, (_, c) => c),
        3,
        2,
      ),
      3,
    );
    assert.equal(
      alignedChunk(
        Int32Array.from({ length: 200 }, (_, c) => Math.floor(c / 20)),
        1,
        2,
      ),
      1,
    );
  });
});
