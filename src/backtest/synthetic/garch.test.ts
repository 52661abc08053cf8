import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { garchOmega, generateGarch } from './garch.ts';
import { autocorrelation, correlation, logReturns, mean, variance } from './stats.ts';

const alpha = 0.1;
const beta = 0.85;
const hbar = 0.03 ** 2; // unconditional per-bar variance
const omega = garchOmega(hbar, alpha, beta);

describe('generateGarch', () => {
  it('same seed, same series', () => {
    const o = { seed: 5, bars: 200, assets: 2, omega, alpha, beta, correlation: 0.4 };
    assert.deepEqual(generateGarch(o), generateGarch(o));
    assert.notDeepEqual(generateGarch(o).prices, generateGarch({ ...o, seed: 6 }).prices);
  });

  it('unconditional variance is ω/(1 − α − β) (4 standard errors across 24 seeds)', () => {
    const vars: number[] = [];
    for (let seed = 1; seed <= 24; seed++) {
      const g = generateGarch({ seed, bars: 20_001, assets: 1, omega, alpha, beta });
      vars.push(variance(logReturns(g.prices, 1, 0)));
    }
    const m = mean(vars);
    const se = Math.sqrt(variance(vars) / vars.length);
    assert.ok(Math.abs(m - omega / (1 - alpha - beta)) < 4 * se, `mean variance ${m} vs ${hbar} (se ${se})`);
  });

  it('shows volatility clustering: squared returns are autocorrelated, near the GARCH(1,1) value', () => {
    const N = 100_000;
    const g = generateGarch({ seed: 9, bars: N + 1, assets: 2, omega, alpha, beta, correlation: 0.6 });
    const r0 = logReturns(g.prices, 2, 0);
    const rho1 = autocorrelation(
      r0.map((x) => x * x),
      1,
    );
    const theory = (alpha * (1 - alpha * beta - beta * beta)) / (1 - 2 * alpha * beta - beta * beta);
    assert.ok(rho1 > 10 / Math.sqrt(N), `acf(1) of r² = ${rho1}`);
    assert.ok(Math.abs(rho1 - theory) < 0.06, `acf(1) of r² = ${rho1} vs theory ${theory.toFixed(3)}`);
    assert.ok(
      autocorrelation(
        r0.map((x) => x * x),
        10,
      ) >
        4 / Math.sqrt(N),
    );
    // Returns themselves are (nearly) uncorrelated, and the shocks carry the requested correlation
    // (slightly diluted in returns by each asset's own variance path).
    assert.ok(Math.abs(autocorrelation(r0, 1)) < 4 / Math.sqrt(N));
    const c = correlation(r0, logReturns(g.prices, 2, 1));
    assert.ok(c > 0.5 && c < 0.62, `correlation ${c}`);
  });

  it('rejects non-stationary or invalid parameters, naming the asset', () => {
    const o = { seed: 1, bars: 10, assets: ['X', 'Y'], omega, alpha, beta };
    assert.throws(() => generateGarch({ ...o, beta: [0.85, 0.95] }), /alpha \+ beta for Y is 1.0\d*: must be < 1/);
    assert.throws(() => generateGarch({ ...o, omega: 0 }), /omega for X is 0: must be > 0/);
    assert.throws(() => generateGarch({ ...o, alpha: -0.1 }), /alpha for X is -0.1/);
    assert.throws(() => garchOmega(1, 0.5, 0.5), /α \+ β < 1/);
  });
});
