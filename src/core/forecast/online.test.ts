import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { pricesOf, simulateGarch } from '../../../test/support/forecast-sim.ts';
import { fitGarch } from './garch.ts';
import { fitHar } from './har.ts';
import { forecaster, kernelFor, MODEL_NAMES } from './models.ts';
import { logReturns } from './returns.ts';

const T = 160;
const N = 2;
/** Row-major T × 2 prices of two simulated assets. */
function matrix(): Float64Array {
  const a = pricesOf(simulateGarch(2e-5, 0.1, 0.85, T - 1, 21));
  const b = pricesOf(simulateGarch(5e-5, 0.05, 0.9, T - 1, 22));
  const P = new Float64Array(T * N);
  for (let t = 0; t < T; t++) {
    P[t * N] = a[t]!;
    P[t * N + 1] = b[t]!;
  }
  return P;
}

/** The kernel's forecasts after observing bars 0…t. */
function forecastsAfter(model: (typeof MODEL_NAMES)[number], P: Float64Array, t: number): Float64Array {
  const k = kernelFor(model, N);
  for (let bar = 0; bar <= t; bar++) k.observeRow(P, bar * N);
  const at = Float64Array.from(k.forecast);
  for (let bar = t + 1; bar < T; bar++) k.observeRow(P, bar * N); // reading on must not be needed to get `at`
  return at;
}

describe('rolling forecasts never read a bar after the one they forecast', () => {
  const P = matrix();
  for (const model of MODEL_NAMES)
    it(`${model}: perturbing bars after t leaves the forecast for t + 1 unchanged`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: T - 2 }),
          fc.array(fc.double({ min: -0.3, max: 0.3, noNaN: true }), { minLength: T, maxLength: T }),
          (t, shocks) => {
            const Q = Float64Array.from(P);
            for (let bar = t + 1; bar < T; bar++)
              for (let i = 0; i < N; i++) Q[bar * N + i] = Q[bar * N + i]! * Math.exp(shocks[bar]! * (i + 1));
            const a = forecastsAfter(model, P, t);
            const b = forecastsAfter(model, Q, t);
            for (let i = 0; i < N; i++) {
              assert.ok(Object.is(a[i], b[i]), `asset ${i}: ${a[i]} vs ${b[i]}`);
              // After the warm-up every model forecasts (so the comparison above is not NaN vs NaN).
              if (t >= 50) assert.ok(a[i]! > 0, `asset ${i} at bar ${t}: ${a[i]}`);
            }
          },
        ),
        { numRuns: 25 },
      );
    });
});

describe('refit schedule', () => {
  const r = logReturns(pricesOf(simulateGarch(2e-5, 0.1, 0.85, 400, 9)));

  it('GARCH refits every 20 returns on the expanding window and steps in between', () => {
    // On short windows the likelihood is flat and the warm-started refit may find a higher maximum than a
    // cold fit; from 500 returns on both land on the same one.
    const x = simulateGarch(1e-5, 0.1, 0.85, 1_000, 4);
    const f = forecaster('garch');
    let fits = 0;
    let p = { omega: 0, alpha: 0, beta: 0 };
    for (let t = 0; t < 1_000; t++) {
      const before = f.next;
      f.push(x[t]!);
      if (f.fits !== fits) {
        fits = f.fits;
        assert.equal((t + 1 - 50) % 20, 0, `a refit after ${t + 1} returns`);
        if (t < 500) continue;
        const cold = fitGarch(x, 0, t + 1);
        p = cold;
        assert.ok(
          Math.abs(f.next - cold.forecast) <= 1e-6 * cold.forecast,
          `after ${t + 1}: ${f.next} vs ${cold.forecast}`,
        );
      } else if (t > 500 && p.omega > 0) {
        const want = p.omega + p.alpha * x[t]! ** 2 + p.beta * before;
        assert.ok(Math.abs(f.next - want) <= 1e-6 * want, `step after ${t + 1}: ${f.next} vs ${want}`);
      }
    }
    assert.equal(f.fits, 1 + Math.floor((1_000 - 50) / 20));
  });

  it('HAR on a rolling window fits the last `window` returns', () => {
    const f = forecaster('har', { refitEvery: 20, window: 120 });
    for (let t = 0; t < 250; t++) f.push(r[t]!);
    // Last refit after 250 returns (50, 70, …, 250) on returns 130…249.
    const want = fitHar(r, 130, 250).forecast;
    assert.ok(Math.abs(f.next - want) <= 1e-13 * want, `${f.next} vs ${want}`);
  });

  it('nothing is forecast before the model has its returns', () => {
    const f = forecaster('ewma');
    for (let t = 0; t < 29; t++) assert.ok(Number.isNaN(f.push(r[t]!)));
    assert.ok(f.push(r[29]!) > 0);
  });
});
