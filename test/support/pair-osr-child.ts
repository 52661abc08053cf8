/**
 * Child of test/backtest/pair-osr.test.ts (run with --allow-natives-syntax): a 200-config band sweep on a
 * seeded 5-asset GBM, then V8 made to throw the pair loop's compiled code away (%DeoptimizeFunction, what
 * a call or an object layout the code was not compiled for does), then the same sweep, whose pair loop
 * then runs on on-stack-replacement code. Prints the bytes the pair loop allocated in one more sweep
 * (V8's sampling heap profiler, objects collected by minor GCs included).
 */
import { Session } from 'node:inspector/promises';
import { runFusedPair } from '../../src/backtest/engine/pair.ts';
import { prepareData } from '../../src/backtest/engine/run.ts';
import { buildGrid, linSpace, logSpace } from '../../src/backtest/sweep/grid.ts';
import { SweepPool } from '../../src/backtest/sweep/pool.ts';
import { generateGbm } from '../../src/backtest/synthetic/index.ts';

const deoptimize = new Function('f', '%DeoptimizeFunction(f)') as (f: unknown) => void;
const mkt = generateGbm({ seed: 7, bars: 2600, assets: 5, sigma: 0.04, correlation: 0.3 });
const target = Object.fromEntries(mkt.assets.map((a) => [a, 0.2]));
const data = prepareData(mkt, 'USD', target);
const pool = await SweepPool.open(
  data,
  {
    cash: 'USD',
    target,
    capital: 1e6,
    costs: { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
    constraints: { assets: {} },
    lag: 0,
    periodsPerYear: 365,
  },
  0,
);
const grid = buildGrid({ families: ['band'], widths: logSpace(0.005, 0.5, 10), fees: linSpace(0, 300, 20) });
await pool.run(grid);
await pool.run(grid);
deoptimize(runFusedPair);
await pool.run(grid);
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 1024,
  includeObjectsCollectedByMinorGC: true,
  includeObjectsCollectedByMajorGC: true,
});
await pool.run(grid);
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
process.stdout.write(`${bytes}\n`);
