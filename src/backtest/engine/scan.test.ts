import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateGbm } from '../synthetic/index.ts';
import { EngineScratch, prepareData, runBacktest } from './run.ts';
import { parseStrategy } from './strategy.ts';
import type { BacktestOptions } from './types.ts';

// Recording weights forces the per-bar path (observe, then check, every bar through the kernel
// interface); without, kernels that have a scan run the quiet bars in their own loop. Both must make the
// same decisions and the same numbers, bit for bit.
const STRATEGIES = [
  'band:0.03',
  'band:0.02+edge',
  'relband:0.25',
  'relband:0.3+auto',
  'vol:0.03:-1',
  'vol:0.04:1',
  'vol:0.02:0.5+edge',
  'hybrid:week:0.02',
  'hybrid:month:0.01',
  'calendar:week',
  'calendar:month',
  'hodl',
  'optband',
  'optband+full',
  'optband:kappa=4,fixed=30+full',
  'optband@har:kappa=0.5',
];

describe('kernel scans between rebalances = the per-bar path', () => {
  it('same equity, rebalance bars and metrics, bit for bit, for every kernel with a scan, lag 0 and 1', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(...STRATEGIES),
        fc.constantFrom(0, 10, 47.5),
        fc.constantFrom(0 as const, 1 as const),
        fc.boolean(),
        (seed, m, name, feeBps, lag, withCash) => {
          const mkt = generateGbm({ seed, bars: 300, assets: m, sigma: 0.04, correlation: 0.3 });
          const target: Record<string, number> = {};
          for (const a of mkt.assets) target[a] = (withCash ? 0.8 : 1) / m;
          if (withCash) target.USD = 0.2;
          const data = prepareData(mkt, 'USD', target);
          const opts: BacktestOptions = {
            cash: 'USD',
            target,
            capital: 1e5,
            costs: { feeBps, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
            constraints: { assets: {} },
            lag,
            periodsPerYear: 365,
          };
          const spec = parseStrategy(name);
          const fast = runBacktest(data, spec, opts);
          const slow = runBacktest(data, spec, opts, { weights: true });
          assert.deepEqual(fast.rebalanceBars, slow.rebalanceBars, name);
          assert.deepEqual([...fast.equity], [...slow.equity], name);
          assert.deepEqual(fast.metrics, slow.metrics, name);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('the scans are taken: a band backtest fires on the same bars as its kernel checked bar by bar', () => {
    const mkt = generateGbm({ seed: 7, bars: 2000, assets: 4, sigma: 0.05, correlation: 0.2 });
    const target = Object.fromEntries(mkt.assets.map((a) => [a, 0.25]));
    const data = prepareData(mkt, 'USD', target);
    const opts: BacktestOptions = {
      cash: 'USD',
      target,
      capital: 1e5,
      costs: { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
      constraints: { assets: {} },
      lag: 0,
      periodsPerYear: 365,
    };
    const r = runBacktest(data, parseStrategy('band:0.05'), opts);
    assert.ok(r.rebalanceBars.length > 20, `${r.rebalanceBars.length} rebalances`);
    assert.deepEqual(
      r.rebalanceBars,
      runBacktest(data, parseStrategy('band:0.05'), opts, { weights: true }).rebalanceBars,
    );
  });
  it('a reused EngineScratch gives every run the metrics of a fresh one (nothing leaks from run to run)', () => {
    const mkt = generateGbm({ seed: 3, bars: 500, assets: 3, sigma: 0.05, correlation: 0.2 });
    const target = Object.fromEntries(mkt.assets.map((a) => [a, 1 / 3]));
    const data = prepareData(mkt, 'USD', target);
    const opts = (feeBps: number): BacktestOptions => ({
      cash: 'USD',
      target,
      capital: 1e5,
      costs: { feeBps, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
      constraints: { assets: {} },
      lag: 0,
      periodsPerYear: 365,
    });
    const scratch = new EngineScratch(data.u.n, data.times.length);
    // The same strategy and options objects come back (as in a sweep): the scratch reuses their plan
    // contexts and resets their kernels; a cost-aware or dynamic-target run builds its own.
    const names = [
      'band:0.02',
      'vol:0.03:-1',
      'hodl',
      'relband:0.1+edge',
      'hybrid:week:0.01',
      'costaware',
      'ew@band:0.05',
      'optband:kappa=2',
    ];
    const specs = names.map((name) => parseStrategy(name));
    const options = [0, 10, 30].map(opts);
    for (let round = 0; round < 3; round++) {
      specs.forEach((spec, k) => {
        const o = options[(k + round) % options.length]!;
        const fresh = runBacktest(data, parseStrategy(names[k]!), opts(o.costs.feeBps));
        const reused = runBacktest(data, spec, o, { rebalanceBars: false }, scratch);
        assert.deepEqual(reused.metrics, fresh.metrics, `${names[k]} at ${o.costs.feeBps} bps, round ${round}`);
        assert.equal(reused.equity, scratch.equity);
        assert.deepEqual(reused.rebalanceBars, []);
      });
    }
    assert.throws(
      () => runBacktest(data, parseStrategy('hodl'), opts(0), {}, new EngineScratch(2, 500)),
      /scratch is for 2 entries/,
    );
  });
});
