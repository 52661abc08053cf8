/**
 * Issue #27's walk-forward comparison (docs/bands.md): static band, EWMA band (vol), GARCH band, HAR band
 * and optband (EWMA), 10 bps, on the bundled data and on synthetic GARCH(1,1) data with known parameters.
 * Each family's parameter is chosen on one half (highest final value, net of costs) and scored on the
 * other, both ways, each half run from its own start (the forecasters warm up again there). Prints markdown.
 * Run: node --import tsx bench/bands-walkforward.ts
 */
import { join } from 'node:path';
import { loadPriceCsv } from '../src/backtest/data/load.ts';
import { prepareData, runBacktest } from '../src/backtest/engine/run.ts';
import { parseStrategy } from '../src/backtest/engine/strategy.ts';
import type { BacktestOptions, MarketData } from '../src/backtest/engine/types.ts';
import { garchOmega, generateGarch } from '../src/backtest/synthetic/garch.ts';

const WIDTHS = [0.01, 0.02, 0.03, 0.05, 0.08, 0.12];
const KAPPAS = [0.25, 0.5, 1, 2, 4, 8];
const FAMILIES: readonly { name: string; grid: readonly string[] }[] = [
  { name: 'static band', grid: WIDTHS.map((w) => `band:${w}`) },
  { name: 'static band, to the edge', grid: WIDTHS.map((w) => `band:${w}+edge`) },
  { name: 'EWMA band (vol)', grid: WIDTHS.map((w) => `vol:${w}`) },
  { name: 'EWMA band (vol), to the edge', grid: WIDTHS.map((w) => `vol:${w}+edge`) },
  { name: 'GARCH band (optband@garch)', grid: KAPPAS.map((k) => `optband@garch:kappa=${k}`) },
  { name: 'HAR band (optband@har)', grid: KAPPAS.map((k) => `optband@har:kappa=${k}`) },
  { name: 'optband (EWMA)', grid: KAPPAS.map((k) => `optband:kappa=${k}`) },
  { name: 'hodl', grid: ['hodl'] },
];

function slice(m: MarketData, from: number, to: number): MarketData {
  const n = m.assets.length;
  return { assets: m.assets, times: m.times.slice(from, to), prices: m.prices.slice(from * n, to * n) };
}

function table(label: string, m: MarketData, target: Record<string, number>): string[] {
  const T = m.times.length;
  const half = T >> 1;
  const opts: BacktestOptions = {
    cash: 'USD',
    target,
    capital: 100_000,
    costs: { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
    constraints: { assets: {} },
    lag: 0,
    periodsPerYear: 365,
  };
  const first = prepareData(slice(m, 0, half), 'USD', target);
  const second = prepareData(slice(m, half, T), 'USD', target);
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const rows = [
    `**${label}**: ${m.assets.join(', ')} (target ${Object.entries(target)
      .map(([a, w]) => `${a} ${w}`)
      .join(
        ', ',
      )}), 10 bps; halves ${day(m.times[0]!)} → ${day(m.times[half - 1]!)} and ${day(m.times[half]!)} → ${day(m.times[T - 1]!)}`,
    '',
    '| family | chosen on 1st half | 2nd half: vs hodl | sharpe | rebalances | fees | chosen on 2nd half | 1st half: vs hodl | sharpe | rebalances | fees |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  const hodl = [
    runBacktest(second, parseStrategy('hodl'), opts).metrics,
    runBacktest(first, parseStrategy('hodl'), opts).metrics,
  ];
  for (const f of FAMILIES) {
    const cells: string[] = [];
    for (const [k, [train, test]] of [
      [first, second],
      [second, first],
    ].entries()) {
      let best = f.grid[0]!;
      let bestV = Number.NEGATIVE_INFINITY;
      for (const s of f.grid) {
        const v = runBacktest(train!, parseStrategy(s), opts).metrics.finalValue;
        if (v > bestV) {
          bestV = v;
          best = s;
        }
      }
      const r = runBacktest(test!, parseStrategy(best), opts).metrics;
      cells.push(
        `\`${best}\``,
        `${((r.finalValue / hodl[k]!.finalValue - 1) * 100).toFixed(2)}%`,
        r.sharpe?.toFixed(3) ?? '—',
        String(r.rebalances),
        r.fees.toFixed(0),
      );
    }
    rows.push(`| ${f.name} | ${cells.join(' | ')} |`);
  }
  return [...rows, ''];
}

const csv = loadPriceCsv(join(import.meta.dirname, '..', 'examples', 'data', 'crypto-daily.csv'));
const assets = ['BTC', 'ETH', 'BNB', 'XRP'];
const cols = assets.map((a) => csv.assets.indexOf(a));
let first = 0;
while (cols.some((c) => !Number.isFinite(csv.closes[c]![first]!))) first++;
const T = csv.times.length - first;
const prices = new Float64Array(T * assets.length);
for (let t = 0; t < T; t++)
  for (let i = 0; i < assets.length; i++) prices[t * assets.length + i] = csv.closes[cols[i]!]![first + t]!;
const bundled: MarketData = { assets, times: csv.times.slice(first), prices };
const garch = generateGarch({
  seed: 27,
  bars: 2600,
  assets: 4,
  correlation: 0.5,
  omega: garchOmega(0.035 ** 2, 0.1, 0.85),
  alpha: 0.1,
  beta: 0.85,
});
const out = [
  ...table('Bundled data (examples/data/crypto-daily.csv)', bundled, {
    BTC: 0.4,
    ETH: 0.3,
    BNB: 0.1,
    XRP: 0.1,
    USD: 0.1,
  }),
  ...table('Synthetic GARCH(1,1), α 0.10, β 0.85, unconditional σ 3.5 %/day, ρ 0.5, seed 27', garch, {
    A1: 0.3,
    A2: 0.3,
    A3: 0.2,
    A4: 0.2,
  }),
];
process.stdout.write(`${out.join('\n')}\n`);
