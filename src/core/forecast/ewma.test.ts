import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateGarch } from '../../../test/support/forecast-sim.ts';
import { ewmaModel, fitEwma } from './ewma.ts';

describe('EWMA', () => {
  const r = simulateGarch(1e-5, 0.08, 0.9, 400, 5);

  it('seeds with the sample variance of the first 30 returns and recurses from the first return on', () => {
    const first = Array.from(r.subarray(0, 30));
    const m = first.reduce((a, b) => a + b) / 30;
    const seed = first.reduce((a, b) => a + (b - m) ** 2, 0) / 29;
    const s = [seed]; // s[t] = variance of return t
    for (let t = 1; t <= r.length; t++) s.push(0.94 * s[t - 1]! + 0.06 * r[t - 1]! ** 2);
    const f = fitEwma(r);
    assert.equal(f.lambda, 0.94);
    assert.equal(f.n, 400);
    assert.ok(Math.abs(f.last - s[399]!) <= 1e-14 * s[399]!, `${f.last} vs ${s[399]}`);
    assert.ok(Math.abs(f.forecast - s[400]!) <= 1e-14 * s[400]!, `${f.forecast} vs ${s[400]}`);
  });

  it('the rolling model forecasts what a fit on the same returns gives', () => {
    const model = ewmaModel(0.97);
    const st = model.fit(r, 0, 30, undefined);
    let next = model.replay(st, r, 0, 30);
    for (let t = 30; t < 300; t++) next = model.step(st, r[t]!);
    assert.ok(Math.abs(next - fitEwma(r, 0.97, 0, 300).forecast) <= 1e-14 * next);
  });

  it('rejects λ outside (0, 1) and fewer than 30 returns', () => {
    assert.throws(() => fitEwma(r, 1), { name: 'ForecastInputError', message: /λ must be in \(0, 1\)/ });
    assert.throws(() => fitEwma(r.subarray(0, 29)), { message: /ewma: needs at least 30 returns, got 29/ });
  });
});
