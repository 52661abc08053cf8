/**
 * Tests tied to theory (issue #4 §6): an infinitely wide band is HODL, the excess growth of constant-mix
 * rebalancing on GBM, scale invariance in the capital, invariance under permuting the assets.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { prepareData, runBacktest } from '../../src/backtest/engine/run.ts';
import { parseStrategy } from '../../src/backtest/engine/strategy.ts';
import type { BacktestOptions } from '../../src/backtest/engine/types.ts';
import { BUNDLED_PRICES, runRequest } from '../../src/backtest/request.ts';
import { generateGbm } from '../../src/backtest/synthetic/index.ts';
import { closeTo, METRIC_KEYS, sameMetrics } from './close.ts';

const TARGET = 'BTC=0.4,ETH=0.3,BNB=0.1,XRP=0.1,USD=0.1';
const base = { periodsPerYear: 365, fill: 'none' as const, lag: 0 as const };

const options = (target: Record<string, number>, feeBps: number, capital = 1_000_000): BacktestOptions => ({
  cash: 'USD',
  target,
  capital,
  costs: { feeBps, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
  constraints: { assets: {} },
  lag: 0,
  periodsPerYear: 365,
});

describe('an infinitely wide band is HODL', () => {
  it('band:0.99 and relband:1e9 give the same equity, bit for bit, and the same metrics', () => {
    const run = runRequest({ ...base, target: TARGET, strategies: ['hodl', 'band:0.99', 'relband:1e9'], capital: 1e6 });
    const [hodl, band, rel] = run.results;
    for (const r of [band!, rel!]) {
      assert.deepEqual(r.equity, hodl!.equity, r.strategy);
      assert.equal(r.metrics.rebalances, 0);
      for (const k of METRIC_KEYS) assert.equal(r.metrics[k], hodl!.metrics[k], `${r.strategy} ${k}`);
    }
  });

  it('also on synthetic GBM with fees (band:0.99 = hodl)', () => {
    const market = generateGbm({ seed: 7, bars: 500, assets: 4, sigma: 0.05, correlation: 0.3 });
    const target = { A1: 0.3, A2: 0.3, A3: 0.2, A4: 0.1, USD: 0.1 };
    const data = prepareData(market, 'USD', target);
    const hodl = runBacktest(data, parseStrategy('hodl'), options(target, 25));
    const wide = runBacktest(data, parseStrategy('band:0.99'), options(target, 25));
    assert.deepEqual(wide.equity, hodl.equity);
    assert.equal(wide.metrics.fees, hodl.metrics.fees);
  });
});

describe('excess growth of the constant mix (zero fees, rebalanced every bar)', () => {
  // 3 assets, annual σ and ρ; the generator's bars are days (365 a year, so calendar:day fires on every bar).
  const sigma = [0.4, 0.6, 0.8];
  const mu = [0.05, 0.1, 0.15];
  const rho = [
    [1, 0.3, 0.1],
    [0.3, 1, 0.5],
    [0.1, 0.5, 1],
  ];
  const w = [0.5, 0.3, 0.2];
  const SEEDS = 200;
  const BARS = 1000;

  it(`mean over ${SEEDS} seeds of [log growth − Σwᵢ·log growth of asset i] per year is ½(Σwᵢσᵢ² − wᵀΣw) ± 3 SE`, (t) => {
    let theory = 0;
    for (let i = 0; i < 3; i++) {
      theory += w[i]! * sigma[i]! ** 2;
      for (let j = 0; j < 3; j++) theory -= w[i]! * w[j]! * rho[i]![j]! * sigma[i]! * sigma[j]!;
    }
    theory /= 2;
    const target = { A1: w[0]!, A2: w[1]!, A3: w[2]! };
    const spec = parseStrategy('calendar:day');
    const years = (BARS - 1) / 365;
    const xs: number[] = [];
    let vsHodl = 0; // illustration only: the gap to HODL is a different quantity (HODL's weights drift)
    for (let seed = 1; seed <= SEEDS; seed++) {
      const m = generateGbm({ seed, bars: BARS, assets: 3, mu, sigma, correlation: rho, barsPerYear: 365 });
      const r = runBacktest(prepareData(m, 'USD', target), spec, options(target, 0));
      assert.equal(r.metrics.rebalances, BARS - 1);
      let x = Math.log(r.equity[BARS - 1]! / r.equity[0]!);
      for (let i = 0; i < 3; i++) x -= w[i]! * Math.log(m.prices[(BARS - 1) * 3 + i]! / m.prices[i]!);
      xs.push(x / years);
      const h = runBacktest(prepareData(m, 'USD', target), parseStrategy('hodl'), options(target, 0));
      vsHodl += Math.log(r.equity[BARS - 1]! / h.equity[BARS - 1]!) / years / SEEDS;
    }
    const mean = xs.reduce((s, x) => s + x, 0) / SEEDS;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (SEEDS - 1));
    const se = sd / Math.sqrt(SEEDS);
    t.diagnostic(
      `excess growth ${mean.toFixed(6)}/yr, theory ${theory.toFixed(6)}/yr, SE ${se.toExponential(2)}; vs HODL ${vsHodl.toFixed(6)}/yr (not tested)`,
    );
    assert.ok(
      Math.abs(mean - theory) <= 3 * se,
      `mean excess growth ${mean.toFixed(6)}/yr vs theory ${theory.toFixed(6)}/yr: ${((mean - theory) / se).toFixed(2)} SE (SE ${se.toExponential(2)})`,
    );
    // the test has power: the effect is many standard errors away from zero
    assert.ok(theory > 20 * se, `theory ${theory} vs SE ${se}`);
  });
});

describe('scaling the capital scales every value and leaves returns unchanged', () => {
  const STRATS = ['hodl', 'band:0.05', 'relband:0.25', 'calendar:month', 'vol:0.05:-1', 'costaware', 'band:0.05+edge'];
  it('capital × 7.3 (10 bps): finalValue, fees, turnover × 7.3; returns, risk and counts equal (1e-12)', () => {
    const k = 7.3;
    const a = runRequest({ ...base, target: TARGET, strategies: STRATS, capital: 1e6, feeBps: 10 });
    const b = runRequest({ ...base, target: TARGET, strategies: STRATS, capital: k * 1e6, feeBps: 10 });
    for (let s = 0; s < a.results.length; s++) {
      const x = a.results[s]!.metrics;
      const y = b.results[s]!.metrics;
      const name = a.results[s]!.strategy;
      sameMetrics(y, { ...x, finalValue: k * x.finalValue, fees: k * x.fees, turnover: k * x.turnover }, 1e-12, name);
      for (let t = 0; t < a.data.times.length; t += 97)
        closeTo(b.results[s]!.equity[t]!, k * a.results[s]!.equity[t]!, 1e-12, `${name} V${t}`);
    }
  });
});

describe('permuting the asset columns and the target changes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-perm-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const STRATS = [
    'hodl',
    'band:0.05',
    'relband:0.25',
    'calendar:month',
    'hybrid:month:0.03',
    'vol:0.05:1',
    'costaware',
    'band:0.05+edge',
  ];

  it('CSV columns reversed and the target listed in another order: every metric within 1e-12', () => {
    const lines = readFileSync(BUNDLED_PRICES, 'utf8').trim().split('\n');
    const permuted = lines.map((l) => {
      const [d, ...cells] = l.split(',');
      return [d, ...cells.reverse()].join(',');
    });
    const path = join(dir, 'permuted.csv');
    writeFileSync(path, `${permuted.join('\n')}\n`);
    const a = runRequest({ ...base, target: TARGET, strategies: STRATS, capital: 1e6, feeBps: 10 });
    const b = runRequest({
      ...base,
      prices: path,
      target: 'USD=0.1,XRP=0.1,ETH=0.3,BTC=0.4,BNB=0.1',
      strategies: STRATS,
      capital: 1e6,
      feeBps: 10,
    });
    assert.notDeepEqual(a.data.u.assets, b.data.u.assets);
    for (let s = 0; s < a.results.length; s++) {
      const name = a.results[s]!.strategy;
      assert.deepEqual(b.results[s]!.rebalanceBars, a.results[s]!.rebalanceBars, name);
      sameMetrics(b.results[s]!.metrics, a.results[s]!.metrics, 1e-12, name);
    }
  });
});
