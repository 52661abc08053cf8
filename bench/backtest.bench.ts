/**
 * Backtester speed (issue #4 §7): one 10 × 100,000 backtest, the 10,000-configuration sweep on 1 and 2
 * workers, and how time grows with assets and bars. Every time is printed beside its rebalance count.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { PreparedData } from '../src/backtest/engine/run.ts';
import type { BacktestOptions } from '../src/backtest/engine/types.ts';

// The code users run: `ballast backtest` and `ballast sweep` execute dist/ (tsc's output, built by
// `npm ci` and again by `npm run bench`). Through tsx's loader the same source runs ~1.4× slower, which
// would measure the loader, not the engine; without a build the bench says so and measures the source.
const dist = new URL('../dist/', import.meta.url);
const built = existsSync(new URL('backtest/engine/run.js', dist));
const load = <T>(rel: string): Promise<T> =>
  import(built ? new URL(`${rel}.js`, dist).href : new URL(`../src/${rel}.ts`, import.meta.url).href) as Promise<T>;
const { prepareData, runBacktest } = await load<typeof import('../src/backtest/engine/run.ts')>('backtest/engine/run');
const { parseStrategy } = await load<typeof import('../src/backtest/engine/strategy.ts')>('backtest/engine/strategy');
const { BENCH_GRID, buildGrid, linSpace } =
  await load<typeof import('../src/backtest/sweep/grid.ts')>('backtest/sweep/grid');
const { runSweep, SweepPool } = await load<typeof import('../src/backtest/sweep/pool.ts')>('backtest/sweep/pool');
const { generateGbm } = await load<typeof import('../src/backtest/synthetic/index.ts')>('backtest/synthetic/index');

function market(n: number, bars: number, sigma: number | number[], perYear: boolean): PreparedData {
  const mkt = generateGbm({
    seed: 1,
    bars,
    assets: n,
    sigma,
    correlation: 0.5,
    ...(perYear ? { barsPerYear: 365 } : {}),
  });
  return prepareData(mkt, 'USD', Object.fromEntries(mkt.assets.map((a) => [a, 1 / n])));
}

function options(data: PreparedData, feeBps: number): BacktestOptions {
  const target = Object.fromEntries(data.u.assets.filter((a) => a !== 'USD').map((a) => [a, 1 / (data.u.n - 1)]));
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

/** CPU time (user + system) of this process in ms: what a run costs, whatever else the machine does. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function timeBacktest(
  data: PreparedData,
  strategy: string,
  reps: number,
): Promise<{ ms: number; min: number; cpu: number; rebalances: number; gcs: number }> {
  const spec = parseStrategy(strategy);
  const opts = options(data, 10);
  let rebalances = 0;
  for (let k = 0; k < 40; k++) rebalances = runBacktest(data, spec, opts).metrics.rebalances;
  const times: number[] = [];
  const cpus: number[] = [];
  // Garbage collections during the measured runs: the engine allocates nothing per bar or per rebalance.
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  for (let k = 0; k < reps; k++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    runBacktest(data, spec, opts);
    times.push(performance.now() - t0);
    cpus.push(cpuMs() - c0);
  }
  await new Promise((resolve) => setTimeout(resolve, 10)); // the observer reports asynchronously
  observer.disconnect();
  const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { ms: med(times), min: Math.min(...times), cpu: med(cpus), rebalances, gcs };
}

const run = promisify(execFile);

export default async function main(): Promise<void> {
  console.log(
    `load average at start: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (CPU = user + system of this process, all threads)`,
  );
  console.log(
    `code measured: ${built ? 'dist/ (the build `ballast` runs)' : 'src/ through tsx (no build: run `npm run build`)'}\n`,
  );
  const one = await timeBacktest(market(10, 100_000, 0.035, false), 'band:0.05', 15);
  console.log('| workload | wall | CPU | rebalances | target |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| one backtest, 10 assets × 100,000 bars, band:0.05, 10 bps (median of 15; fastest ${one.min.toFixed(2)} ms; ${one.gcs} GCs in the 15 runs) | ${one.ms.toFixed(2)} ms | ${one.cpu.toFixed(2)} ms | ${one.rebalances} | < 10 ms |`,
  );

  const data = market(10, 2_600, linSpace(0.6, 1.2, 10), true);
  // BENCH_SWEEP_SCALE=3 runs the grid three times over in one sweep (30,000 configs): how the 2-vs-1 ratio
  // grows when the workers' fixed start-up (V8 compiling the engine in each) is a smaller share.
  const grid = buildGrid(BENCH_GRID);
  const configs = Array.from({ length: Number(process.env.BENCH_SWEEP_SCALE ?? 1) }, () => grid).flat();
  const opts = options(data, 0);
  type Run = { s: number; cpu: number; reb: number };
  const timed = async (f: () => Promise<Float64Array>): Promise<Run> => {
    const t0 = performance.now();
    const c0 = cpuMs();
    const res = await f();
    let reb = 0;
    for (let c = 0; c < configs.length; c++) reb += res[c * 9 + 6]!;
    return { s: (performance.now() - t0) / 1000, cpu: (cpuMs() - c0) / 1000, reb };
  };
  // Cold: what `ballast sweep` does: start the workers, let V8 compile the engine in each, sweep, stop.
  const cold = (workers: number) => timed(() => runSweep(data, configs, opts, { workers }));
  // Warm: a second sweep on a pool that has run one (walk-forward's second half, any repeated sweep):
  // the sweep itself, without starting threads or compiling.
  const warm = async (workers: number) => {
    const pool = await SweepPool.open(data, opts, workers);
    try {
      await pool.run(configs);
      return await timed(() => pool.run(configs));
    } finally {
      await pool.close();
    }
  };
  // Alternating 2-, 1-, 2-, 1-… worker runs, medians of each: the machine is shared, and a neighbour's
  // burst during one run would otherwise decide the ratio.
  const reps = Number(process.env.BENCH_SWEEP_REPS ?? 3);
  const cpuText = (r: Run) => (Number.isNaN(r.cpu) ? '(another process)' : `${r.cpu.toFixed(2)} s`);
  const median = (rs: Run[]) => [...rs].sort((a, b) => a.s - b.s)[rs.length >> 1]!;
  const all = (rs: Run[]) => rs.map((r) => r.s.toFixed(2)).join(', ');
  const label = `sweep, ${configs.length.toLocaleString('en-US')} configs × 10 assets × 2,600 bars`;
  // Fresh: `ballast sweep` itself, one new process per run, as a user runs it (the wall time it prints:
  // workers started, compiled and swept; data generation and Node's own start excluded).
  const cli = new URL('../bin/ballast.js', import.meta.url).pathname;
  const out = join(mkdtempSync(join(tmpdir(), 'ballast-bench-')), 'sweep.json');
  const fresh = async (workers: number): Promise<Run> => {
    const args = [cli, 'sweep', '--synthetic', 'gbm', '--widths', '0.005:0.5:100', '--fees', '0:47.5:20'];
    const { stdout } = await run(process.execPath, [...args, '--workers', String(workers), '--out', out]);
    const wall = /\(([\d.]+) s wall\)/.exec(stdout);
    if (!wall) throw new Error(`ballast sweep printed no wall time:\n${stdout}`);
    const rows = (JSON.parse(readFileSync(out, 'utf8')) as { configs: { rebalances: number }[] }).configs;
    return { s: Number(wall[1]), cpu: Number.NaN, reb: rows.reduce((a, r) => a + r.rebalances, 0) };
  };
  // BENCH_SWEEP_KINDS=fresh (or cold, warm, comma-separated) runs only those blocks.
  const kinds = (process.env.BENCH_SWEEP_KINDS ?? 'cold,fresh,warm').split(',');
  for (const [kind, f] of (
    [
      ['cold', 'cold', cold],
      ['fresh', 'cold, a fresh `ballast sweep` process per run', fresh],
      ['warm', 'warm pool', warm],
    ] as const
  )
    .filter(([key]) => kinds.includes(key))
    .map(([, k, g]) => [k, g] as const)) {
    const runs2: Run[] = [];
    const runs1: Run[] = [];
    for (let k = 0; k < reps; k++) {
      runs2.push(await f(2));
      runs1.push(await f(1));
    }
    const w2 = median(runs2);
    const w1 = median(runs1);
    const best = (rs: Run[]) => Math.min(...rs.map((r) => r.s));
    console.log(
      `| ${label}, ${kind}, 2 workers (median of ${reps}: ${all(runs2)} s) | ${w2.s.toFixed(2)} s | ${cpuText(w2)} | ${w2.reb.toLocaleString('en-US')} in all | < 3 s |`,
    );
    console.log(
      `| same, ${kind}, 1 worker (median of ${reps}: ${all(runs1)} s) | ${w1.s.toFixed(2)} s | ${cpuText(w1)} | ${w1.reb.toLocaleString('en-US')} in all | |`,
    );
    // The minima too: on a shared machine the fastest run is the one a neighbour disturbed least. And the
    // median of the ratios of neighbouring runs (a 2-worker run and the 1-worker run after it), which a
    // burst lasting a few seconds moves less than it moves either median.
    const pairs = runs2.map((r, k) => runs1[k]!.s / r.s).sort((a, b) => a - b);
    console.log(
      `| speed-up, ${kind}, 2 workers vs 1 (medians; minima; median of the ${reps} pairs) | ${(w1.s / w2.s).toFixed(2)}×; ${(best(runs1) / best(runs2)).toFixed(2)}×; ${pairs[pairs.length >> 1]!.toFixed(2)}× | | | ≥ 1.7× |`,
    );
  }

  console.log('\n| assets × bars (band:0.05, 10 bps) | wall | CPU | rebalances | CPU ns per asset-bar |');
  console.log('|---|---|---|---|---|');
  for (const n of [5, 10, 20, 50]) {
    for (const bars of [10_000, 100_000]) {
      const r = await timeBacktest(market(n, bars, 0.035, false), 'band:0.05', 5);
      const per = ((r.cpu * 1e6) / (n * bars)).toFixed(1);
      console.log(
        `| ${n} × ${bars.toLocaleString('en-US')} | ${r.ms.toFixed(2)} ms | ${r.cpu.toFixed(2)} ms | ${r.rebalances} | ${per} |`,
      );
    }
  }
}
