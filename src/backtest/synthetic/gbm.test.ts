import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateGbm } from './gbm.ts';
import { SyntheticParamError } from './params.ts';
import { autocorrelation, correlation, logReturns, mean, variance } from './stats.ts';

describe('generateGbm', () => {
  it('same seed, same series; another seed, another series; columnar output with daily times', () => {
    const o = { seed: 1, bars: 50, assets: ['BTC', 'ETH'], sigma: [0.04, 0.05], correlation: 0.5, start: '2021-03-01' };
    const a = generateGbm(o);
    assert.deepEqual(a, generateGbm(o));
    assert.notDeepEqual(a.prices, generateGbm({ ...o, seed: 2 }).prices);
    assert.deepEqual(a.assets, ['BTC', 'ETH']);
    assert.equal(a.prices.length, 100);
    assert.equal(a.filled, 0);
    assert.equal(a.prices[0], 100);
    assert.equal(a.times[0], Date.parse('2021-03-01T00:00:00Z'));
    assert.equal(a.times[49] - a.times[48], 86_400_000);
    assert.ok(a.prices.every((p) => p > 0 && Number.isFinite(p)));
  });

  it('log returns match (μ − σ²/2)Δ, σ√Δ and ρ within 4 standard errors (annual parameters)', () => {
    const P = 365;
    const mu = [0.3, -0.2, 0.05];
    const sigma = [0.6, 0.9, 1.2];
    const corr = [
      [1, 0.5, 0.2],
      [0.5, 1, -0.3],
      [0.2, -0.3, 1],
    ];
    const N = 40_000;
    const g = generateGbm({ seed: 11, bars: N + 1, assets: 3, mu, sigma, correlation: corr, barsPerYear: P });
    const r = [0, 1, 2].map((i) => logReturns(g.prices, 3, i));
    for (let i = 0; i < 3; i++) {
      const sd = sigma[i] / Math.sqrt(P);
      const m = (mu[i] - sigma[i] ** 2 / 2) / P;
      assert.ok(Math.abs(mean(r[i]) - m) < (4 * sd) / Math.sqrt(N), `mean ${i}: ${mean(r[i])} vs ${m}`);
      const s = Math.sqrt(variance(r[i]));
      assert.ok(Math.abs(s - sd) < (4 * sd) / Math.sqrt(2 * N), `sd ${i}: ${s} vs ${sd}`);
      for (let j = 0; j < i; j++) {
        const rho = corr[i][j];
        const c = correlation(r[i], r[j]);
        assert.ok(Math.abs(c - rho) < (4 * (1 - rho * rho)) / Math.sqrt(N), `corr ${i},${j}: ${c} vs ${rho}`);
      }
    }
    // No volatility clustering in GBM: squared returns are uncorrelated.
    const sq = r[0].map((x) => x * x);
    assert.ok(Math.abs(autocorrelation(sq, 1)) < 4 / Math.sqrt(N));
  });

  it('σ = 0 gives a deterministic exponential path at rate μ per bar', () => {
    const g = generateGbm({ seed: 3, bars: 11, assets: 1, mu: 0.01, sigma: 0, initialPrices: 50 });
    assert.ok(Math.abs(g.prices[10] - 50 * Math.exp(0.1)) < 1e-9);
  });

  it('rejects bad parameters with the field and asset named', () => {
    const base = { seed: 1, bars: 10, assets: ['X', 'Y'], sigma: 0.1 };
    assert.throws(() => generateGbm({ ...base, sigma: [0.1, -0.1] }), /sigma for Y is -0.1: must be ≥ 0/);
    assert.throws(() => generateGbm({ ...base, sigma: [0.1] }), SyntheticParamError);
    assert.throws(() => generateGbm({ ...base, bars: 0 }), /bars must be an integer ≥ 1/);
    assert.throws(() => generateGbm({ ...base, assets: ['X', 'X'] }), /unique/);
    assert.throws(() => generateGbm({ ...base, barsPerYear: 0 }), /barsPerYear must be > 0/);
    assert.throws(() => generateGbm({ ...base, start: '2020-13-01' }), /not a date/);
    assert.throws(() => generateGbm({ ...base, initialPrices: [1, 0] }), /initialPrices for Y is 0/);
    assert.throws(() => generateGbm({ ...base, correlation: 1 }), /not positive definite/);
  });

  it('generates 10 assets × 100,000 bars quickly', () => {
    const t0 = performance.now();
    const g = generateGbm({ seed: 1, bars: 100_000, assets: 10, sigma: 0.035, correlation: 0.5 });
    const ms = performance.now() - t0;
    console.log(`GBM 10 × 100,000: ${ms.toFixed(1)} ms`);
    assert.equal(g.prices.length, 1_000_000);
    // Loose guard (tens of ms when idle): catches accidental quadratic work, not a benchmark.
    assert.ok(ms < 8000, `took ${ms} ms`);
  });
});
