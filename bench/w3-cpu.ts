/** W3 on the calling thread: CPU per sweep, median of BENCH_REPS (default 9), beside the floor loop. Quick check for issue #29's work. */
import { buildGrid, linSpace, logSpace } from '../src/backtest/sweep/grid.ts';
import { SweepPool } from '../src/backtest/sweep/pool.ts';
import { floorLoop } from './floor.ts';
import { w3Data } from './limit.bench.ts';
import { median } from './timing.ts';

const REPS = Number(process.env.BENCH_REPS ?? 9);
const data = w3Data();
const configs = buildGrid({ families: ['band'], widths: logSpace(0.005, 0.5, 100), fees: linSpace(0, 47.5, 20) });
const opts = {
  cash: 'USD',
  target: { BTC: 0.4, ETH: 0.3, BNB: 0.1, XRP: 0.1, LTC: 0.1 },
  capital: 1e6,
  costs: { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
  constraints: { assets: {} },
  lag: 0 as const,
  periodsPerYear: 365,
};
const pool = await SweepPool.open(data, opts, 0);
for (let j = 0; j < 3; j++) await pool.run(configs);
const { n } = data.u;
const T = data.times.length;
const qty = new Float64Array(n);
const bars = new Int32Array(T);
const sweeps: number[] = [];
const floors: number[] = [];
for (let j = 0; j < REPS; j++) {
  let c0 = process.cpuUsage();
  for (const c of configs) floorLoop(data.prices, n, T, data.u.target, c.width, 1e6, qty, bars);
  const f = process.cpuUsage(c0);
  c0 = process.cpuUsage();
  await pool.run(configs);
  const e = process.cpuUsage(c0);
  floors.push((f.user + f.system) / 1e3);
  sweeps.push((e.user + e.system) / 1e3);
}
await pool.close();
console.log(
  `W3 CPU ms: sweep ${median(sweeps).toFixed(1)} [${sweeps.map((x) => x.toFixed(0)).join(' ')}], floor ${median(floors).toFixed(1)}, ratio ${(median(sweeps) / median(floors)).toFixed(2)}`,
);
