import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateGarch } from '../../../test/support/forecast-sim.ts';
import { evaluateReturns } from './evaluate.ts';
import { dieboldMariano, qlike } from './loss.ts';
import { forecaster } from './models.ts';

describe('out-of-sample evaluation', () => {
  const r = simulateGarch(1e-5, 0.1, 0.85, 900, 17);
  const schedule = { refitEvery: 20, window: 0 };
  const ev = evaluateReturns(r, 300, schedule, ['ewma', 'garch', 'har']);

  it('scores each model on the forecasts a rolling forecaster made before each holdout return', () => {
    assert.deepEqual(
      ev.scores.map((s) => s.model),
      ['ewma', 'garch', 'har'],
    );
    const f = forecaster('har', schedule, 600);
    const want = new Float64Array(300);
    for (let t = 0; t < 900; t++) {
      if (t >= 600) want[t - 600] = f.next;
      f.push(r[t]!);
    }
    const har = ev.scores[2]!;
    assert.deepEqual(har.forecasts, want);
    assert.equal(har.fits, 1 + 300 / 20, 'fitted at the holdout, then after every 20 returns');
    let ql = 0;
    for (let k = 0; k < 300; k++) ql += qlike(r[600 + k]!, want[k]!);
    assert.ok(Math.abs(har.qlike - ql / 300) <= 1e-12 * har.qlike);
    assert.equal(ev.realized[5], r[605]! ** 2);
  });

  it('DM is against EWMA (NaN for EWMA itself)', () => {
    const [ewma, garch] = ev.scores;
    assert.ok(Number.isNaN(ewma!.dmQlike));
    const d = garch!.forecasts.map((h, k) => qlike(r[600 + k]!, h) - qlike(r[600 + k]!, ewma!.forecasts[k]!));
    assert.equal(garch!.dmQlike, dieboldMariano(d, 5));
  });

  it('on a GARCH series GARCH beats EWMA on QLIKE', () => {
    const [ewma, garch] = ev.scores;
    assert.ok(garch!.qlike < ewma!.qlike, `${garch!.qlike} vs ${ewma!.qlike}`);
  });

  it('a holdout that leaves fewer than 50 returns to fit is an input error', () => {
    assert.throws(() => evaluateReturns(r, 860, schedule), { name: 'ForecastInputError', message: /leaves 40 of 900/ });
  });
});
