import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sampleCovariance, solve } from './linalg.ts';
import { equalRiskContribution, equalWeights, inverseVolatility, minimumVariance } from './weights.ts';

/** A random symmetric positive definite n×n matrix Σ = BBᵀ/n + δI, scaled like per-bar return covariances. */
const spd = fc.integer({ min: 1, max: 7 }).chain((n) =>
  fc
    .record({
      b: fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: n * n, maxLength: n * n }),
      delta: fc.double({ min: 1e-6, max: 1e-3, noNaN: true }),
    })
    .map(({ b, delta }) => {
      const cov = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
          cov[i * n + j] = s / n + (i === j ? delta : 0);
        }
      return { n, cov };
    }),
);

const mul = (cov: Float64Array, w: Float64Array, n: number, i: number) => {
  let s = 0;
  for (let k = 0; k < n; k++) s += cov[i * n + k]! * w[k]!;
  return s;
};
const variance = (cov: Float64Array, w: Float64Array, n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += w[i]! * mul(cov, w, n, i);
  return s;
};
const sumsToOne = (w: Float64Array) => assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-12);

describe('target weights', () => {
  it('equal weights and inverse volatility', () => {
    assert.deepEqual([...equalWeights(4)], [0.25, 0.25, 0.25, 0.25]);
    const cov = Float64Array.from([0.04, 0, 0, 0.01]); // σ 0.2 and 0.1 → 1/3, 2/3
    const w = inverseVolatility(cov, 2);
    assert.ok(Math.abs(w[0]! - 1 / 3) < 1e-15 && Math.abs(w[1]! - 2 / 3) < 1e-15);
    assert.deepEqual([...inverseVolatility(Float64Array.from([0.04, 0, 0, 0]), 2)], [0, 1], 'σ = 0 takes all');
  });
  it('equal risk contribution: wᵢ(Σw)ᵢ equal, long-only, sum 1', () => {
    fc.assert(
      fc.property(spd, ({ n, cov }) => {
        const w = equalRiskContribution(cov, n);
        sumsToOne(w);
        const rc = Array.from(w, (x, i) => x * mul(cov, w, n, i));
        const mean = rc.reduce((a, b) => a + b, 0) / n;
        for (let i = 0; i < n; i++) {
          assert.ok(w[i]! > 0);
          assert.ok(Math.abs(rc[i]! - mean) <= 1e-8 * mean, `rc ${rc.join(', ')}`);
        }
      }),
      { numRuns: 200 },
    );
  });
  it('minimum variance: long-only, sum 1, KKT, and no random long-only portfolio has less variance', () => {
    fc.assert(
      fc.property(
        spd,
        fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }), {
          minLength: 20,
          maxLength: 20,
        }),
        ({ n, cov }, samples) => {
          const w = minimumVariance(cov, n);
          sumsToOne(w);
          const v = variance(cov, w, n);
          const grad = Array.from(w, (_, i) => mul(cov, w, n, i));
          const lambda = Math.min(...grad.filter((_, i) => w[i]! > 0));
          for (let i = 0; i < n; i++) {
            assert.ok(w[i]! >= 0);
            if (w[i]! > 1e-12) assert.ok(Math.abs(grad[i]! - lambda) <= 1e-9 * Math.abs(lambda) + 1e-15);
            else assert.ok(grad[i]! >= lambda * (1 - 1e-9) - 1e-15, `KKT off the support at ${i}`);
          }
          for (const s of samples) {
            const x = Float64Array.from(s.slice(0, n));
            const t = x.reduce((a, b) => a + b, 0);
            if (!(t > 0)) continue;
            for (let i = 0; i < n; i++) x[i] = x[i]! / t;
            assert.ok(v <= variance(cov, x, n) * (1 + 1e-9), `min variance ${v} > ${variance(cov, x, n)}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('linear algebra', () => {
  it('solve: A·x = b; a singular matrix gives null', () => {
    fc.assert(
      fc.property(spd, ({ n, cov }) => {
        const b = Float64Array.from({ length: n }, (_, i) => i + 1);
        const x = solve(cov, b, n)!;
        for (let i = 0; i < n; i++)
          assert.ok(Math.abs(mul(cov, x, n, i) - b[i]!) <= 1e-8 * Math.max(1, ...x.map(Math.abs)));
      }),
      { numRuns: 200 },
    );
    assert.equal(solve(Float64Array.from([1, 2, 2, 4]), Float64Array.from([1, 1]), 2), null);
  });
  it('sampleCovariance: (n − 1) covariance of the simple returns of bars from…to; null under 2 returns', () => {
    // 2 assets × 4 bars; returns of A: +10%, −10%, +20%; of B: 0, +5%, −5%.
    const P = Float64Array.from([100, 20, 110, 20, 99, 21, 118.8, 19.95]);
    const ra = [0.1, -0.1, 0.2];
    const rb = [0, 0.05, -0.05];
    const cov = sampleCovariance(P, 2, 0, 3)!;
    const m = (r: number[]) => r.reduce((a, b) => a + b, 0) / r.length;
    const c = (x: number[], y: number[]) => x.reduce((s, xi, k) => s + (xi - m(x)) * (y[k]! - m(y)), 0) / 2;
    const want = [c(ra, ra), c(ra, rb), c(rb, ra), c(rb, rb)];
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(cov[i]! - want[i]!) < 1e-15, `${cov[i]} vs ${want[i]}`);
    assert.equal(sampleCovariance(P, 2, 1, 2), null);
    assert.notEqual(sampleCovariance(P, 2, 1, 3), null);
  });
});
