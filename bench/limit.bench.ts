/**
 * Issue #29's workloads, the engine's own clock, warm, medians, every figure beside a same-process
 * reference: W4 (one 10 × 100,000 band backtest) as a ratio to the floor loop (bench/floor.ts), W3 (2,000
 * band configs over 5 real assets × 2,599 days) on a warm pool of 1 and 2 workers, W1 (one monthly backtest
 * of those 5 assets) per call. W3 and W1 need ../shared/data/daily_close_usd.csv (skipped without it).
 * BENCH_LIMIT_REPS (default 9) sets the repetitions; BENCH_LIMIT=W4,W3,W1 picks workloads.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import type { PreparedData } from '../src/backtest/engine/run.ts';
import type { BacktestOptions } from '../src/backtest/engine/types.ts';
import { floorLoop } from './floor.ts';
import { median } from './timing.ts';

const dist = new URL('../dist/', import.meta.url);
const built = existsSync(new URL('backtest/engine/run.js', dist));
const load = <T>(rel: string): Promise<T> =>
  import(built ? new URL(`${rel}.js`, dist).href : new URL(`../src/${rel}.ts`, import.meta.url).href) as Promise<T>;
const { prepareData, runBacktest } = await load<typeof import('../src/backtest/engine/run.ts')>('backtest/engine/run');
const { parseStrategy } = await load<typeof import('../src/backtest/engine/strategy.ts')>('backtest/engine/strategy');
const { buildGrid, linSpace, logSpace } =
  await load<typeof import('../src/backtest/sweep/grid.ts')>('backtest/sweep/grid');
const { SweepPool } = await load<typeof import('../src/backtest/sweep/pool.ts')>('backtest/sweep/pool');
const { generateGbm } = await load<typeof import('../src/backtest/synthetic/index.ts')>('backtest/synthetic/index');
const { loadPriceCsv, selectWindow } =
  await load<typeof import('../src/backtest/data/index.ts')>('backtest/data/index');

const REPS = Number(process.env.BENCH_LIMIT_REPS ?? 9);
const PICK = (process.env.BENCH_LIMIT ?? 'W4,W3,W1').split(',');
export const W3_CSV = new URL('../../shared/data/daily_close_usd.csv', import.meta.url).pathname;
const W3_TARGET = { BTC: 0.4, ETH: 0.3, BNB: 0.1, XRP: 0.1, LTC: 0.1 };

function options(target: Record<string, number>, feeBps: number): BacktestOptions {
  return {
    cash: 'USD',
    target,
    capital: 1e6,
    costs: { feeBps, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
    constraints: { assets: {} },
    lag: 0,
    periodsPerYear: 365,
  };
}

/** W4's market: the backtest bench's seeded GBM (seed 1, σ 0.035 per bar, ρ 0.5), equal weights. */
export function w4Data(): PreparedData {
  const mkt = generateGbm({ seed: 1, bars: 100_000, assets: 10, sigma: 0.035, correlation: 0.5 });
  return prepareData(mkt, 'USD', Object.fromEntries(mkt.assets.map((a) => [a, 1 / 10])));
}

/** W3's and W1's market: 5 assets' daily closes 2018-01-01..2025-02-11 (2,599 bars). */
export function w3Data(): PreparedData {
  const w = selectWindow(loadPriceCsv(W3_CSV), {
    assets: Object.keys(W3_TARGET),
    cash: 'USD',
    start: '2018-01-01',
    end: '2025-02-11',
  });
  return prepareData(w, 'USD', W3_TARGET);
}

function w4(): void {
  const data = w4Data();
  const { n } = data.u;
  const T = data.times.length;
  const opts = options(Object.fromEntries(data.u.assets.filter((a) => a !== 'USD').map((a) => [a, 0.1])), 10);
  const spec = parseStrategy('band:0.05');
  const qty = new Float64Array(n);
  const bars = new Int32Array(T);
  const floor = () => floorLoop(data.prices, n, T, data.u.target, 0.05, 1e6, qty, bars);
  const engine = () => runBacktest(data, spec, opts);
  // The floor loop must find the engine's rebalance bars (fee-less, the weights after a trade are the target's).
  const r = engine();
  const k = floor();
  const same = k === r.rebalanceBars.length && r.rebalanceBars.every((b, j) => b === bars[j]);
  if (!same)
    throw new Error(`floor loop: ${k} rebalances, the engine ${r.rebalanceBars.length}: not the same bars (W4)`);
  for (let j = 0; j < 30; j++) {
    floor();
    engine();
  }
  // Alternating floor, engine, floor, engine…: a neighbour's burst slows both of a pair.
  // Wall and CPU time of each run (CPU: what a neighbour's process does not add while this one waits for a core).
  const tf: number[] = [];
  const te: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e3;
  };
  for (let j = 0; j < Math.max(15, REPS * 9); j++) {
    let c0 = cpuMs();
    let t0 = performance.now();
    floor();
    const f = performance.now() - t0;
    const fc = cpuMs() - c0;
    c0 = cpuMs();
    t0 = performance.now();
    engine();
    const e = performance.now() - t0;
    const ec = cpuMs() - c0;
    tf.push(f);
    te.push(e);
    ratios.push(e / f);
    cpuRatios.push(ec / fc);
  }
  console.log(
    `| W4: 10 assets × 100,000 bars, band 5%, 10 bps (${te.length} alternating pairs; ${k} rebalances, the same bars) | engine ${median(te).toFixed(2)} ms (fastest ${Math.min(...te).toFixed(2)}); floor ${median(tf).toFixed(2)} ms (fastest ${Math.min(...tf).toFixed(2)}) | **${median(cpuRatios).toFixed(2)}×** on CPU time, ${median(ratios).toFixed(2)}× on wall time (medians of the pairs' ratios; fastest runs ${(Math.min(...te) / Math.min(...tf)).toFixed(2)}×) | ≤ 1.3× |`,
  );
}

async function w3(data: PreparedData): Promise<void> {
  const configs = buildGrid({ families: ['band'], widths: logSpace(0.005, 0.5, 100), fees: linSpace(0, 47.5, 20) });
  const opts = options(W3_TARGET, 0);
  const pools = new Map<number, Awaited<ReturnType<typeof SweepPool.open>>>();
  for (const w of [0, 1, 2]) {
    const pool = await SweepPool.open(data, opts, w);
    await pool.run(configs); // warm: workers started, the engine compiled
    await pool.run(configs);
    pools.set(w, pool);
  }
  const times = new Map<number, number[]>([
    [0, []],
    [1, []],
    [2, []],
  ]);
  const ratios: number[] = [];
  let reb = 0;
  for (let j = 0; j < REPS; j++) {
    const t: Record<number, number> = {};
    for (const w of [2, 1, 0]) {
      const t0 = performance.now();
      const res = await pools.get(w)!.run(configs);
      t[w] = (performance.now() - t0) / 1000;
      times.get(w)!.push(t[w]!);
      if (j === 0 && w === 1) for (let c = 0; c < configs.length; c++) reb += res[c * 9 + 6]!;
    }
    ratios.push(t[1]! / t[2]!);
  }
  for (const p of pools.values()) await p.close();
  // The floor loop over the same 2,000 configs (fee-less: the 20 fees of a width are 20 equal runs), on
  // this thread, timed between the sweeps' runs: the reference the sweep's time is a ratio to.
  const { n } = data.u;
  const T = data.times.length;
  const qty = new Float64Array(n);
  const bars = new Int32Array(T);
  const floorAll = (check: Float64Array | null) => {
    for (let c = 0; c < configs.length; c++) {
      const k = floorLoop(data.prices, n, T, data.u.target, configs[c]!.width, 1e6, qty, bars);
      if (check !== null && k !== check[c * 9 + 6])
        throw new Error(`floor loop: ${k} rebalances, the engine ${check[c * 9 + 6]} (W3 config ${c})`);
    }
  };
  const pool0 = await SweepPool.open(data, opts, 0);
  floorAll(await pool0.run(configs));
  const floors: number[] = [];
  const sweeps: number[] = [];
  const cpuRatios: number[] = [];
  for (let j = 0; j < REPS; j++) {
    let c0 = process.cpuUsage();
    floorAll(null);
    const f = process.cpuUsage(c0);
    c0 = process.cpuUsage();
    await pool0.run(configs);
    const e = process.cpuUsage(c0);
    floors.push((f.user + f.system) / 1e6);
    sweeps.push((e.user + e.system) / 1e6);
    cpuRatios.push(sweeps[j]! / floors[j]!);
  }
  await pool0.close();
  const all = (w: number) =>
    times
      .get(w)!
      .map((x) => x.toFixed(3))
      .join(', ');
  console.log(
    `| W3: 2,000 band configs × 5 assets × 2,599 days, warm pool, 1 worker (median of ${REPS}: ${all(1)} s; ${reb.toLocaleString('en-US')} rebalances in all) | **${median(times.get(1)!).toFixed(3)} s** | ≤ 0.16 s |`,
  );
  console.log(
    `| same, on the calling thread (no worker; median of ${REPS}: ${all(0)} s) | ${median(times.get(0)!).toFixed(3)} s | |`,
  );
  console.log(
    `| same on the calling thread, CPU time, beside the floor loop over the same 2,000 configs (the same rebalance count per config; median of ${REPS} alternating pairs) | sweep ${median(sweeps).toFixed(3)} s CPU, floor ${median(floors).toFixed(3)} s CPU | ${median(cpuRatios).toFixed(2)}× the floor | |`,
  );
  console.log(
    `| same, 2 workers (median of ${REPS}: ${all(2)} s) | ${median(times.get(2)!).toFixed(3)} s; speed-up **${median(ratios).toFixed(2)}×** (median of the pairs' ratios; medians ${(median(times.get(1)!) / median(times.get(2)!)).toFixed(2)}×) | ≥ 1.8× |`,
  );
}

function w1(data: PreparedData): void {
  const spec = parseStrategy('calendar:month');
  const opts = options(W3_TARGET, 10);
  const batch = 200;
  for (let j = 0; j < 2000; j++) runBacktest(data, spec, opts);
  const per: number[] = [];
  const cpu: number[] = [];
  for (let j = 0; j < Math.max(15, REPS * 3); j++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let b = 0; b < batch; b++) runBacktest(data, spec, opts);
    per.push((performance.now() - t0) / batch);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e3 / batch);
  }
  const r = runBacktest(data, spec, opts);
  console.log(
    `| W1: 5 assets × 2,599 days, calendar:month, 10 bps, one runBacktest call (median of ${per.length} batches of ${batch}; fastest ${Math.min(...per).toFixed(3)} ms; ${r.metrics.rebalances} rebalances) | **${median(per).toFixed(3)} ms** wall, ${median(cpu).toFixed(3)} ms CPU | ≤ 0.10 ms |`,
  );
}

export default async function main(): Promise<void> {
  console.log(
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )} on ${availableParallelism()} cores; code measured: ${built ? 'dist/' : 'src/ through tsx (no build)'}\n`,
  );
  console.log('| workload | time | ratio / figure | goal |');
  console.log('|---|---|---|---|');
  if (PICK.includes('W4')) w4();
  if (!existsSync(W3_CSV)) {
    console.log(`(W3, W1 skipped: no ${W3_CSV})`);
    return;
  }
  const data = w3Data();
  if (PICK.includes('W3')) await w3(data);
  if (PICK.includes('W1')) w1(data);
  console.log(`\nload average at the end: ${loadavg()[0]!.toFixed(1)}`);
}
