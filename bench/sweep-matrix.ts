/**
 * Writes sweep results matrices to one binary file, for a byte comparison of two builds (issue #29: every
 * number the same): `node --import tsx bench/sweep-matrix.ts out.bin`, then `cmp a.bin b.bin`. Matrices,
 * in order: W3 (bench/limit.bench.ts: 2,000 band configs, 5 assets × 2,599 days) on the calling thread and
 * on 2 workers; the same data with a 10% cash weight and a 3 bps half-spread, 30 widths × 7 fees of every
 * grid family, with +edge and +auto band strategies; a 6-asset seeded GBM (3,000 bars), the band grid;
 * then single backtests: W4's every equity value and metric, and 15 band runs of that GBM.
 */
import { writeFileSync } from 'node:fs';
import { loadPriceCsv, selectWindow } from '../src/backtest/data/index.ts';
import { prepareData, runBacktest } from '../src/backtest/engine/run.ts';
import { parseStrategy } from '../src/backtest/engine/strategy.ts';
import type { BacktestOptions } from '../src/backtest/engine/types.ts';
import { buildGrid, linSpace, logSpace, type SweepConfig } from '../src/backtest/sweep/grid.ts';
import { runSweep } from '../src/backtest/sweep/pool.ts';
import { generateGbm } from '../src/backtest/synthetic/index.ts';
import { W3_CSV, w3Data, w4Data } from './limit.bench.ts';

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write('usage: node --import tsx bench/sweep-matrix.ts <out.bin>\n');
  process.exit(2);
}

function options(target: Record<string, number>, feeBps: number, halfSpreadBps: number): BacktestOptions {
  return {
    cash: 'USD',
    target,
    capital: 1e6,
    costs: { feeBps, halfSpreadBps, impact: 0, fixedPerOrder: 0, assets: {} },
    constraints: { assets: {} },
    lag: 0,
    periodsPerYear: 365,
  };
}

const parts: Float64Array[] = [];
const w3 = w3Data();
const w3Target = { BTC: 0.4, ETH: 0.3, BNB: 0.1, XRP: 0.1, LTC: 0.1 };
const grid = buildGrid({ families: ['band'], widths: logSpace(0.005, 0.5, 100), fees: linSpace(0, 47.5, 20) });
parts.push(await runSweep(w3, grid, options(w3Target, 0, 0), { workers: 0 }));
parts.push(await runSweep(w3, grid, options(w3Target, 0, 0), { workers: 2 }));

const cashTarget = { BTC: 0.3, ETH: 0.3, BNB: 0.1, XRP: 0.1, LTC: 0.1, USD: 0.1 };
const window = selectWindow(loadPriceCsv(W3_CSV), {
  assets: Object.keys(w3Target),
  cash: 'USD',
  start: '2018-01-01',
  end: '2025-02-11',
});
const w3c = prepareData(window, 'USD', cashTarget);
const mixed: SweepConfig[] = buildGrid({
  families: ['band', 'relband', 'vol:-1', 'vol:1', 'hybrid:month', 'calendar:month'],
  widths: logSpace(0.005, 0.5, 30),
  fees: linSpace(0, 45, 7),
});
for (const m of ['edge', 'auto'])
  for (const w of logSpace(0.01, 0.3, 10))
    for (const feeBps of linSpace(0, 45, 7))
      mixed.push({ spec: parseStrategy(`band:${w}+${m}`), feeBps, family: `band+${m}`, width: w });
parts.push(await runSweep(w3c, mixed, options(cashTarget, 0, 3), { workers: 0 }));

const mkt = generateGbm({ seed: 7, bars: 3000, assets: 6, sigma: 0.03, correlation: 0.4 });
const gbmTarget = Object.fromEntries(mkt.assets.map((a, i) => [a, i === 0 ? 0.25 : 0.15]));
const gbm = prepareData(mkt, 'USD', gbmTarget);
const gridG = buildGrid({ families: ['band'], widths: logSpace(0.005, 0.5, 40), fees: linSpace(0, 47.5, 20) });
parts.push(await runSweep(gbm, gridG, options(gbmTarget, 0, 0), { workers: 0 }));

// One backtest at a time: W4 (every equity value and metric), and band runs of the GBM above at 3 fees.
const w4 = w4Data();
const w4Target = Object.fromEntries(w4.u.assets.filter((a) => a !== 'USD').map((a) => [a, 0.1]));
const single = (data: typeof w4, name: string, o: BacktestOptions) => {
  const r = runBacktest(data, parseStrategy(name), o);
  parts.push(Float64Array.from(r.equity), Float64Array.from(Object.values(r.metrics).map((x) => x ?? Number.NaN)));
};
single(w4, 'band:0.05', options(w4Target, 10, 0));
for (const fee of [0, 10, 47.5])
  for (const name of ['band:0.01', 'band:0.05', 'band:0.2', 'band:0.05+edge', 'band:0.05+auto'])
    single(gbm, name, options(gbmTarget, fee, 0));

const total = parts.reduce((s, p) => s + p.length, 0);
const all = new Float64Array(total);
let at = 0;
for (const p of parts) {
  all.set(p, at);
  at += p.length;
}
writeFileSync(out, new Uint8Array(all.buffer));
process.stdout.write(`${parts.length} parts, ${total} numbers → ${out}\n`);
