import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { dieboldMariano, neweyWestVariance, qlike, squaredError } from './loss.ts';

describe('losses', () => {
  it('QLIKE is 0 for a perfect forecast, positive otherwise, and floors r² at 1e-12', () => {
    assert.equal(qlike(0.02, 0.0004), 0);
    assert.ok(qlike(0.02, 0.0008) > 0 && qlike(0.02, 0.0002) > 0);
    assert.equal(qlike(0, 1e-4), 1e-12 / 1e-4 - Math.log(1e-12 / 1e-4) - 1);
    assert.equal(squaredError(0.03, 0.0004), (0.0009 - 0.0004) ** 2);
  });

  it('Newey–West: lag 0 is the 1/T variance; 5 lags add Bartlett-weighted autocovariances', () => {
    const d = Float64Array.of(1, -2, 3, 0.5, -1, 2, 4, -3, 1, 0);
    const T = d.length;
    const m = d.reduce((a, b) => a + b) / T;
    const g = (k: number) => {
      let s = 0;
      for (let t = 0; t + k < T; t++) s += (d[t + k]! - m) * (d[t]! - m);
      return s / T;
    };
    assert.ok(Math.abs(neweyWestVariance(d, 0) - g(0)) < 1e-15);
    const want = g(0) + 2 * ((5 / 6) * g(1) + (4 / 6) * g(2) + (3 / 6) * g(3) + (2 / 6) * g(4) + (1 / 6) * g(5));
    assert.ok(Math.abs(neweyWestVariance(d, 5) - want) < 1e-14);
    assert.ok(Math.abs(dieboldMariano(d, 5) - m / Math.sqrt(want / T)) < 1e-12);
  });

  it('DM t is unchanged by scaling the losses and flips sign with them; NaN without variance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 12, maxLength: 60 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (xs, c) => {
          const d = Float64Array.from(xs);
          const t = dieboldMariano(d);
          fc.pre(Number.isFinite(t));
          const scaled = dieboldMariano(d.map((v) => v * c));
          const flipped = dieboldMariano(d.map((v) => -v));
          assert.ok(Math.abs(scaled - t) <= 1e-9 * Math.max(1, Math.abs(t)), `${scaled} vs ${t}`);
          assert.ok(Math.abs(flipped + t) <= 1e-12 * Math.max(1, Math.abs(t)));
        },
      ),
    );
    assert.ok(Number.isNaN(dieboldMariano(new Float64Array(20))));
  });
});
