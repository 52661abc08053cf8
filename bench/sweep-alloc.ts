/**
 * Issue #29: what the pair loop (src/backtest/engine/pair.ts) allocates per sweep, from V8's sampling heap
 * profiler (objects a minor GC collected included). A fused loop that V8 runs on on-stack-replacement code
 * boxes each number it carries in a local: ~100 bytes a bar, which showed as 256 MB per W3 sweep and
 * 0.18 instead of 0.14 s (docs/benchmarks.md). The market here is the 5-asset seeded GBM below; a fee-less
 * grid runs first (V8 compiles the loop on it), then a 200-config grid up to 300 bps, twice; the second
 * run is measured. Whether V8 deoptimizes the loop in between varies from run to run (concurrent
 * compilation): run it several times, e.g. `for i in 1 2 3 4 5; do node --import tsx bench/sweep-alloc.ts; done`.
 * It measures dist/ when built (`npm run build`), src/ otherwise.
 */
import { existsSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { BacktestOptions } from '../src/backtest/engine/types.ts';

const dist = new URL('../dist/', import.meta.url);
const built = existsSync(new URL('backtest/engine/run.js', dist));
const load = <T>(rel: string): Promise<T> =>
  import(built ? new URL(`${rel}.js`, dist).href : new URL(`../src/${rel}.ts`, import.meta.url).href) as Promise<T>;
const { prepareData } = await load<typeof import('../src/backtest/engine/run.ts')>('backtest/engine/run');
const { buildGrid, linSpace, logSpace } =
  await load<typeof import('../src/backtest/sweep/grid.ts')>('backtest/sweep/grid');
const { SweepPool } = await load<typeof import('../src/backtest/sweep/pool.ts')>('backtest/sweep/pool');
const { generateGbm } = await load<typeof import('../src/backtest/synthetic/index.ts')>('backtest/synthetic/index');

const mkt = generateGbm({ seed: 7, bars: 2600, assets: 5, sigma: 0.04, correlation: 0.3 });
const target = Object.fromEntries(mkt.assets.map((a) => [a, 0.2]));
const data = prepareData(mkt, 'USD', target);
const opts: BacktestOptions = {
  cash: 'USD',
  target,
  capital: 1e6,
  costs: { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
  constraints: { assets: {} },
  lag: 0,
  periodsPerYear: 365,
};
const pool = await SweepPool.open(data, opts, 0);
await pool.run(buildGrid({ families: ['band'], widths: logSpace(0.005, 0.5, 20), fees: [0, 0, 0, 0] }));
const costly = buildGrid({ families: ['band'], widths: logSpace(0.005, 0.5, 10), fees: linSpace(0, 300, 20) });
await pool.run(costly);
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 1024,
  includeObjectsCollectedByMinorGC: true,
  includeObjectsCollectedByMajorGC: true,
});
const t0 = performance.now();
await pool.run(costly);
const ms = performance.now() - t0;
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();
await pool.close();
type Node = { callFrame: { functionName: string }; selfSize: number; children: Node[] };
let bytes = 0;
const walk = (x: Node): void => {
  if (x.callFrame.functionName === 'runFusedPair') bytes += x.selfSize;
  for (const c of x.children) walk(c);
};
walk(profile.head as unknown as Node);
console.log(
  `pair loop: ${(bytes / 1e6).toFixed(2)} MB allocated in one 200-config sweep (${ms.toFixed(0)} ms wall; ${built ? 'dist/' : 'src/'})`,
);
