/**
 * Holdings after each trade (issue #17 item 1): the weights of every bar derive from them exactly, recording
 * them changes no result (the quiet-bar scan stays on), and they take k×n doubles for k trades.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { generateGbm } from '../synthetic/gbm.ts';
import { holdingsWeights, prepareData, runBacktest } from './run.ts';
import { parseStrategy } from './strategy.ts';
import type { BacktestOptions } from './types.ts';

const STRATEGIES = ['hodl', 'band:0.05', 'relband:0.25', 'calendar:month', 'vol:0.05:1', 'band:0.05+edge', 'costaware'];

test('holdingsWeights equals the engine weights at every bar; equity is unchanged by recording', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom(...STRATEGIES),
      fc.constantFrom<0 | 1>(0, 1),
      (seed, name, lag) => {
        const mkt = generateGbm({
          seed,
          bars: 300,
          assets: 3,
          sigma: [0.6, 0.9, 1.2],
          barsPerYear: 365,
          correlation: 0.4,
        });
        const target = { [mkt.assets[0]!]: 0.4, [mkt.assets[1]!]: 0.3, [mkt.assets[2]!]: 0.2, USD: 0.1 };
        const data = prepareData(mkt, 'USD', target);
        const opts: BacktestOptions = {
          cash: 'USD',
          target,
          capital: 1e6,
          costs: { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
          constraints: { assets: {} },
          lag,
          periodsPerYear: 365,
        };
        const spec = parseStrategy(name);
        const full = runBacktest(data, spec, opts, { weights: true });
        const lean = runBacktest(data, spec, opts, { holdings: true });
        assert.deepEqual(lean.equity, full.equity, 'bit-identical equity with or without recording');
        assert.equal(lean.metrics.rebalances, full.metrics.rebalances);
        const n = data.u.n;
        const h = lean.holdings!;
        const traded = full.rebalanceBars.filter((b) => b + lag < data.times.length).length;
        assert.equal(
          h.bars.length,
          traded + 1,
          'one entry per trade, bar 0 included (lag 1: a last-bar fire never trades)',
        );
        assert.equal(h.qty.length, h.bars.length * n);
        const w = new Float64Array(n);
        for (let t = 0; t < data.times.length; t++) {
          holdingsWeights(h, data.prices, n, t, w);
          for (let i = 0; i < n; i++) {
            const want = full.weights![t * n + i]!;
            assert.ok(Math.abs(w[i]! - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${name} bar ${t} entry ${i}`);
          }
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('progress is called about every 1% of the bars, in order', () => {
  const mkt = generateGbm({ seed: 3, bars: 5000, assets: 2, sigma: [0.8, 0.8], barsPerYear: 365, correlation: 0 });
  const target = { [mkt.assets[0]!]: 0.5, [mkt.assets[1]!]: 0.5 };
  const data = prepareData(mkt, 'USD', { ...target, USD: 0 });
  const seen: number[] = [];
  runBacktest(
    data,
    parseStrategy('band:0.05'),
    {
      cash: 'USD',
      target: { ...target, USD: 0 },
      capital: 1e6,
      costs: { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
      constraints: { assets: {} },
      lag: 0,
      periodsPerYear: 365,
    },
    { progress: (t, T) => seen.push(t / T) },
  );
  assert.ok(seen.length >= 20 && seen.length <= 101, `${seen.length} calls`);
  for (let k = 1; k < seen.length; k++) assert.ok(seen[k]! > seen[k - 1]!);
});
