import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EwmaEstimator } from './ewma.ts';

/** A deterministic price path for n assets (no randomness in tests beyond fast-check). */
function path(n: number, bars: number): Float64Array[] {
  const out: Float64Array[] = [];
  const p = Float64Array.from({ length: n }, (_, i) => 100 * (i + 1));
  for (let k = 0; k < bars; k++) {
    out.push(Float64Array.from(p));
    for (let i = 0; i < n; i++) p[i] = p[i]! * (1 + 0.02 * Math.sin(1.7 * k + 2.3 * i) + 0.001 * i);
  }
  return out;
}

/** The estimator's definition, computed directly from the whole return history. */
function direct(prices: Float64Array[], lambda: number, warmup: number) {
  const n = prices[0]!.length;
  const r = prices.slice(1).map((p, k) => Array.from(p, (x, i) => x / prices[k]![i]! - 1));
  const cov: number[][] = [];
  for (let i = 0; i < n; i++) {
    cov.push([]);
    for (let j = 0; j < n; j++) {
      const seed = r.slice(0, warmup);
      const mi = seed.reduce((s, x) => s + x[i]!, 0) / warmup;
      const mj = seed.reduce((s, x) => s + x[j]!, 0) / warmup;
      let c = seed.reduce((s, x) => s + (x[i]! - mi) * (x[j]! - mj), 0) / (warmup - 1);
      for (let k = warmup; k < r.length; k++) c = lambda * c + (1 - lambda) * r[k]![i]! * r[k]![j]!;
      cov[i]!.push(c);
    }
  }
  // σ̄: mean of σ over the bars since seeding (the seeding bar included).
  const sig: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const seed = r.slice(0, warmup);
    const m = seed.reduce((s, x) => s + x[i]!, 0) / warmup;
    let v = seed.reduce((s, x) => s + (x[i]! - m) ** 2, 0) / (warmup - 1);
    sig[i]!.push(Math.sqrt(v));
    for (let k = warmup; k < r.length; k++) {
      v = lambda * v + (1 - lambda) * r[k]![i]! ** 2;
      sig[i]!.push(Math.sqrt(v));
    }
  }
  const sigmaMean = sig.map((s) => s.reduce((a, b) => a + b, 0) / s.length);
  return { cov, sigmaMean };
}

const close = (a: number, b: number, tol = 1e-13) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1e-300, Math.abs(b)), `${a} vs ${b}`);

describe('EwmaEstimator', () => {
  it('is not ready before `warmup` returns (warmup + 1 prices)', () => {
    const e = new EwmaEstimator(3, 0.94, 5, true);
    const ps = path(3, 6);
    for (let k = 0; k < 5; k++) {
      e.observe(ps[k]!);
      assert.equal(e.ready, false, `after ${k + 1} prices`);
    }
    e.observe(ps[5]!);
    assert.equal(e.ready, true);
    assert.equal(e.count, 5);
  });
  it('seeds with the sample covariance (n − 1) of the first warmup returns', () => {
    const ps = path(3, 9);
    const e = new EwmaEstimator(3, 0.94, 8, true);
    for (const p of ps) e.observe(p);
    const d = direct(ps, 0.94, 8);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) close(e.cov![i * 3 + j]!, d.cov[i]![j]!, 1e-12);
      close(e.variance[i]!, d.cov[i]![i]!, 1e-12);
      close(e.sigmaMean[i]!, Math.sqrt(d.cov[i]![i]!), 1e-12);
    }
  });
  it('then follows σ²ₜ = λσ²ₜ₋₁ + (1−λ)rₜ² and Σₜ = λΣₜ₋₁ + (1−λ)rₜrₜᵀ; σ̄ is the mean of σ since seeding', () => {
    const ps = path(4, 120);
    for (const full of [true, false]) {
      const e = new EwmaEstimator(4, 0.9, 20, full);
      for (const p of ps) e.observe(p);
      const d = direct(ps, 0.9, 20);
      for (let i = 0; i < 4; i++) {
        close(e.variance[i]!, d.cov[i]![i]!, 1e-10);
        close(e.sigmaMean[i]!, d.sigmaMean[i]!, 1e-10);
        if (full) for (let j = 0; j < 4; j++) close(e.cov![i * 4 + j]!, d.cov[i]![j]!, 1e-10);
      }
    }
  });
  it('reset forgets everything', () => {
    const ps = path(2, 30);
    const a = new EwmaEstimator(2, 0.94, 3, true);
    for (const p of ps) a.observe(p);
    a.reset();
    assert.equal(a.ready, false);
    assert.equal(a.count, 0);
    const b = new EwmaEstimator(2, 0.94, 3, true);
    for (const p of ps.slice(10)) {
      a.observe(p);
      b.observe(p);
    }
    assert.deepEqual([...a.cov!], [...b.cov!]);
    assert.deepEqual([...a.sigmaMean], [...b.sigmaMean]);
  });
});
