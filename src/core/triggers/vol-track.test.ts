import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeUniverse } from '../universe.ts';
import type { TriggerBar } from './types.ts';
import { bandUnit, volTrack } from './vol-track.ts';
import { volAdaptiveKernel } from './voladaptive.ts';

/** A bars × n price matrix (the quote last, at 1) from seeded multiplicative steps. */
function matrix(steps: number[][], n: number): Float64Array {
  const P = new Float64Array(steps.length * n);
  const p = new Float64Array(n).fill(100);
  steps.forEach((row, k) => {
    for (let i = 0; i < n - 1; i++) {
      p[i] = p[i]! * (1 + row[i % row.length]!);
      P[k * n + i] = p[i]!;
    }
    P[k * n + n - 1] = 1;
  });
  return P;
}

describe('vol-adaptive kernel on a precomputed EWMA track', () => {
  it('the same bands, decisions, explanations and scans as the kernel with its own estimator', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 3, maxLength: 3 }), {
          minLength: 30,
          maxLength: 120,
        }),
        fc.constantFrom(-1, 1, 0.5, -2),
        fc.constantFrom(0.01, 0.05, 0.2),
        fc.integer({ min: 2, max: 25 }),
        (steps, exponent, base, warmup) => {
          const u = makeUniverse('USD', { A: 0.3, B: 0.3, C: 0.4 });
          const n = u.n;
          const P = matrix(steps, n);
          const params = { base, exponent, lambda: 0.94, warmup, min: 0.001, max: 0.5 };
          const own = volAdaptiveKernel(u, params);
          const tracked = volAdaptiveKernel(u, params, volTrack(P, n, 0.94, warmup));
          const w = new Float64Array(n);
          for (let k = 0; k < steps.length; k++) {
            const row = P.subarray(k * n, (k + 1) * n);
            own.observe(row);
            tracked.observe(row);
            assert.deepEqual(tracked.halfWidth(), own.halfWidth(), `bar ${k}`);
            for (let i = 0; i < n; i++) w[i] = u.target[i]! + (((k + i) % 3) - 1) * 0.04;
            const bar: TriggerBar = { time: k, prevTime: k - 1, qty: w, prices: row, w, value: 1 };
            assert.equal(tracked.check(bar), own.check(bar));
            assert.equal(tracked.explain(tracked.check(bar), bar), own.explain(own.check(bar), bar));
          }
          // Scans from a fresh start: the same firing bars and values.
          own.reset();
          tracked.reset();
          const qty = Float64Array.from([0.003, 0.003, 40]);
          const va = new Float64Array(steps.length);
          const vb = new Float64Array(steps.length);
          own.observe(P.subarray(0, n));
          tracked.observe(P.subarray(0, n));
          for (let from = 1; from < steps.length; ) {
            const a = own.scan!(P, new Float64Array(steps.length), qty, from, steps.length, va);
            const b = tracked.scan!(P, new Float64Array(steps.length), qty, from, steps.length, vb);
            assert.equal(b, a);
            if (a < steps.length) assert.deepEqual(tracked.halfWidth(), own.halfWidth());
            from = a + 1;
          }
          assert.deepEqual([...vb], [...va]);
        },
      ),
      { numRuns: 150 },
    );
  });
  it('bandUnit: (σ/σ̄)^e with σ̄ = Σσ/k, NaN without volatility', () => {
    assert.equal(bandUnit(0.02, 0.3, 10, 1), 0.02 / 0.03);
    assert.ok(Math.abs(bandUnit(0.02, 0.3, 10, -1) - 1.5) < 1e-15);
    assert.ok(Math.abs(bandUnit(0.04, 0.3, 10, 0.5) - Math.sqrt(4 / 3)) < 1e-15);
    assert.ok(Number.isNaN(bandUnit(0, 0, 10, -1)));
  });
  it('a track for other parameters is refused', () => {
    const u = makeUniverse('USD', { A: 1 });
    const track = volTrack(new Float64Array(20).fill(1), 2, 0.9, 5);
    const p = { base: 0.05, exponent: -1, lambda: 0.94, warmup: 5, min: 0, max: 1 };
    assert.throws(() => volAdaptiveKernel(u, p, track), /λ or warm-up/);
  });
});
