/**
 * Where W4's time over its floor loop goes (issue #29): `node --import tsx bench/w4-split.ts`. Runs, in
 * rotation, the floor loop (bench/floor.ts), W4 as bench/limit.bench.ts times it (runBacktest, which
 * returns a fresh 800 kB equity array per call), and the same run given one EngineScratch for every call
 * (no fresh result arrays: the loop, the plans and the setup only). Prints each one's median CPU time
 * (process.cpuUsage) over BENCH_SPLIT_ROUNDS rounds (default 81) and its ratio to the floor loop's.
 */
import { loadavg } from 'node:os';
import { EngineScratch, runBacktest } from '../src/backtest/engine/run.ts';
import { parseStrategy } from '../src/backtest/engine/strategy.ts';
import type { BacktestOptions } from '../src/backtest/engine/types.ts';
import { floorLoop } from './floor.ts';
import { w4Data } from './limit.bench.ts';
import { median } from './timing.ts';

const data = w4Data();
const { n } = data.u;
const T = data.times.length;
const opts: BacktestOptions = {
  cash: 'USD',
  target: Object.fromEntries(data.u.assets.filter((a) => a !== 'USD').map((a) => [a, 0.1])),
  capital: 1e6,
  costs: { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
  constraints: { assets: {} },
  lag: 0,
  periodsPerYear: 365,
};
const spec = parseStrategy('band:0.05');
const qty = new Float64Array(n);
const bars = new Int32Array(T);
const scratch = new EngineScratch(n, T);
const runs: [string, () => unknown][] = [
  ['floor loop', () => floorLoop(data.prices, n, T, data.u.target, 0.05, 1e6, qty, bars)],
  ['W4 (runBacktest, a fresh equity array per call)', () => runBacktest(data, spec, opts)],
  ['W4 with one EngineScratch (no fresh arrays)', () => runBacktest(data, spec, opts, {}, scratch)],
];
const ROUNDS = Number(process.env.BENCH_SPLIT_ROUNDS ?? 81);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
for (let j = 0; j < 30; j++) for (const [, f] of runs) f();
const times = runs.map(() => [] as number[]);
for (let j = 0; j < ROUNDS; j++)
  runs.forEach(([, f], i) => {
    const c = cpuMs();
    f();
    times[i]!.push(cpuMs() - c);
  });
const floor = median(times[0]!);
console.log(`load average ${loadavg()[0]!.toFixed(1)} on 2 cores; CPU ms, median of ${ROUNDS} rounds`);
runs.forEach(([name], i) => {
  const m = median(times[i]!);
  console.log(`${name}: ${m.toFixed(3)} ms = ${(m / floor).toFixed(3)}× the floor loop`);
});
