import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeMetrics } from './metrics.ts';

const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
const close = (a: number | null, b: number, what: string) => {
  assert.ok(a !== null, `${what} is null`);
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${what}: ${a} vs ${b}`);
};
const counts = { rebalances: 3, fees: 1.5, turnover: 1500 };

describe('computeMetrics against hand-computed series', () => {
  // V = 100, 110, 99, 120 after a purchase from capital 101 (1 of fees); 366 calendar days; P = 12.
  // r = 0.1, −0.1, 21/99; mean = 0.0707…; sample variance = 0.024998469543924089…
  const equity = Float64Array.from([100, 110, 99, 120]);
  const times = Float64Array.from([day('2020-01-01'), day('2020-02-01'), day('2020-06-01'), day('2021-01-01')]);
  const m = computeMetrics(equity, times, 101, 12, counts);

  it('finalValue, totalReturn = V_T/capital − 1 (capital, not V₀)', () => {
    assert.equal(m.finalValue, 120);
    close(m.totalReturn, 0.188118811881188, 'totalReturn');
  });
  it('CAGR = (V_T/capital)^(365.25/days) − 1 with days = 366 from the bar times', () => {
    close(m.cagr, 0.187699218989451, 'cagr');
  });
  it('volatility = sample sd·√P and sharpe = mean/sd·√P with the given P (not inferred)', () => {
    close(m.volatility, 0.547705791942252, 'volatility');
    close(m.sharpe, 1.5491617232602, 'sharpe');
  });
  it('maxDrawdown from the running peak (110 → 99)', () => {
    close(m.maxDrawdown, 0.1, 'maxDrawdown');
  });
  it('counts pass through', () => {
    assert.equal(m.rebalances, 3);
    assert.equal(m.fees, 1.5);
    assert.equal(m.turnover, 1500);
  });

  it('drawdown is measured from the peak so far, not from V₀', () => {
    const e = Float64Array.from([100, 90, 130, 80, 120]);
    const t = Float64Array.from([0, 1, 2, 3, 4].map((k) => k * 86_400_000));
    close(computeMetrics(e, t, 100, 365, counts).maxDrawdown, 1 - 80 / 130, 'maxDrawdown');
    const up = Float64Array.from([100, 101, 102]);
    assert.equal(computeMetrics(up, t.subarray(0, 3), 100, 365, counts).maxDrawdown, 0);
  });

  it('sd = 0 (flat equity, or a single return): volatility and sharpe are null', () => {
    const t = Float64Array.from([0, 86_400_000, 2 * 86_400_000]);
    const flat = computeMetrics(Float64Array.from([5, 5, 5]), t, 5, 365, counts);
    assert.equal(flat.volatility, null);
    assert.equal(flat.sharpe, null);
    assert.equal(flat.cagr, 0);
    const one = computeMetrics(Float64Array.from([5, 6]), t.subarray(0, 2), 5, 365, counts);
    assert.equal(one.volatility, null);
    assert.equal(one.sharpe, null);
    close(one.cagr, 1.2 ** 365.25 - 1, 'cagr over one day');
  });

  it('no elapsed time: CAGR is null', () => {
    const m0 = computeMetrics(Float64Array.from([5, 6]), Float64Array.from([7, 7]), 5, 365, counts);
    assert.equal(m0.cagr, null);
  });
});
