import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simulateRegimes } from '../../../test/support/forecast-sim.ts';
import { fitHmm, type HmmParams, hmmFilter, hmmForecast, hmmModel } from './hmm.ts';

describe('two-state Gaussian HMM', () => {
  const { r, states } = simulateRegimes([0.01, 0.04], 0.98, 3_000, 11);

  it('recovers the regimes of a synthetic two-regime series (≥ 90% of bars, forward filter only)', () => {
    const f = fitHmm(r);
    assert.ok(f.converged, `converged after ${f.iterations} iterations`);
    const filtered = new Float64Array(2 * r.length);
    hmmFilter(f, r, 0, r.length, filtered);
    let right = 0;
    for (let t = 0; t < r.length; t++) if ((filtered[2 * t + 1]! > 0.5 ? 1 : 0) === states[t]) right++;
    const share = right / r.length;
    assert.ok(share >= 0.9, `${(share * 100).toFixed(1)}% of states recovered`);
    assert.ok(Math.abs(Math.sqrt(f.variance[0]) - 0.01) < 0.002, `calm σ ${Math.sqrt(f.variance[0])}`);
    assert.ok(Math.abs(Math.sqrt(f.variance[1]) - 0.04) < 0.006, `turbulent σ ${Math.sqrt(f.variance[1])}`);
    assert.ok(f.trans[0] > 0.95 && f.trans[3] > 0.95, `sticky: ${f.trans.join(', ')}`);
  });

  it('Baum–Welch never lowers the likelihood (EM), one iteration at a time', () => {
    let prev = Number.NEGATIVE_INFINITY;
    for (const k of [1, 2, 3, 5, 8, 13, 21]) {
      const ll = fitHmm(r, 0, 1_000, { maxIter: k, tol: 0 }).loglik;
      assert.ok(ll >= prev - 1e-9 * Math.abs(ll), `${k} iterations: ${ll} < ${prev}`);
      prev = ll;
    }
  });

  const hmmFilterForecast = (p: HmmParams, to: number) => {
    const f = hmmFilter(p, r, 0, to);
    return hmmForecast(p, f.f0, f.f1);
  };

  it('the filter matches a direct forward recursion in probabilities', () => {
    const p = fitHmm(r, 0, 600);
    const dens = (x: number, k: 0 | 1) =>
      Math.exp(-((x - p.mu[k]) ** 2) / (2 * p.variance[k])) / Math.sqrt(2 * Math.PI * p.variance[k]);
    let a = [p.init[0] * dens(r[0]!, 0), p.init[1] * dens(r[0]!, 1)];
    let ll = Math.log(a[0]! + a[1]!);
    a = a.map((v) => v / (a[0]! + a[1]!));
    for (let t = 1; t < 600; t++) {
      const q = [a[0]! * p.trans[0] + a[1]! * p.trans[2], a[0]! * p.trans[1] + a[1]! * p.trans[3]];
      const b = [q[0]! * dens(r[t]!, 0), q[1]! * dens(r[t]!, 1)];
      ll += Math.log(b[0]! + b[1]!);
      a = b.map((v) => v / (b[0]! + b[1]!));
    }
    const f = hmmFilter(p, r, 0, 600);
    assert.ok(Math.abs(f.loglik - ll) <= 1e-10 * Math.abs(ll), `${f.loglik} vs ${ll}`);
    assert.ok(Math.abs(f.f1 - a[1]!) <= 1e-12);
    const want = hmmForecast(p, f.f0, f.f1);
    const s = { params: p, f0: 0, f1: 0, next: 0 };
    assert.equal(hmmModel.replay(s, r, 0, 500), hmmFilterForecast(p, 500));
    for (let t = 500; t < 600; t++) hmmModel.step(s, r[t]!);
    assert.ok(Math.abs(s.next - want) <= 1e-12 * want, `${s.next} vs ${want}`);
  });
});
