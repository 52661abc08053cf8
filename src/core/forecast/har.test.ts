import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exactLeastSquares } from '../../../test/support/exact.ts';
import { simulateGarch } from '../../../test/support/forecast-sim.ts';
import { fitHar, harDesign, harModel } from './har.ts';

describe('HAR-RV', () => {
  const r = simulateGarch(2e-5, 0.1, 0.88, 2_600, 3);

  it('the design matrix holds RVₜ, its 5- and 22-return means and RVₜ₊₁', () => {
    const d = harDesign(r, 100, 400);
    assert.equal(d.y.length, 300 - 22);
    const rv = (t: number) => r[t]! ** 2;
    const k = 7; // row k: t = 100 + 21 + k
    const t = 121 + k;
    assert.equal(d.x1[k], rv(t));
    const mean = (a: number, b: number) =>
      Array.from({ length: b - a + 1 }, (_, i) => rv(a + i)).reduce((x, y) => x + y) / (b - a + 1);
    assert.ok(Math.abs(d.x5[k]! - mean(t - 4, t)) <= 1e-15 * mean(t - 4, t));
    assert.ok(Math.abs(d.x22[k]! - mean(t - 21, t)) <= 1e-15 * mean(t - 21, t));
    assert.equal(d.y[k], rv(t + 1));
  });

  for (const [from, to] of [
    [0, 2_600],
    [1_000, 1_300],
  ] as const)
    it(`OLS equals the exact least-squares solution to 1e-12 (returns ${from}…${to})`, () => {
      const f = fitHar(r, from, to);
      const d = harDesign(r, from, to);
      const ones = new Float64Array(d.y.length).fill(1);
      const exact = exactLeastSquares([ones, d.x1, d.x5, d.x22], d.y);
      const got = [f.b0, f.b1, f.b5, f.b22];
      for (let j = 0; j < 4; j++) {
        const err = Math.abs(got[j]! - exact[j]!);
        assert.ok(err <= 1e-12 * Math.abs(exact[j]!), `b[${j}] = ${got[j]} vs exact ${exact[j]} (error ${err})`);
      }
      assert.equal(f.n, to - from);
    });

  it('the forecast is the fitted equation at the last return, and the rolling model agrees with it', () => {
    const f = fitHar(r, 0, 500);
    const rv = (t: number) => r[t]! ** 2;
    let s5 = 0;
    let s22 = 0;
    for (let t = 478; t < 500; t++) s22 += rv(t);
    for (let t = 495; t < 500; t++) s5 += rv(t);
    const want = f.b0 + f.b1 * rv(499) + (f.b5 * s5) / 5 + (f.b22 * s22) / 22;
    assert.ok(Math.abs(f.forecast - want) <= 1e-14 * want);
    const s = harModel.fit(r, 0, 500, undefined);
    assert.ok(Math.abs(harModel.replay(s, r, 0, 500) - want) <= 1e-14 * want);
  });
});
