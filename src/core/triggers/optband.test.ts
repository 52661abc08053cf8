import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { halfWidthWithImpact, optimalHalfWidth, rebalanceBenefit } from '../bands/formula.ts';
import { optbandTrack } from '../bands/track.ts';
import type { CostsConfig } from '../config/schema.ts';
import { fitEwma } from '../forecast/ewma.ts';
import { makePlanContext } from '../planner/context.ts';
import { makeUniverse } from '../universe.ts';
import { compileTrigger } from './compile.ts';
import { type OptbandParams, optbandKernel } from './optband.ts';
import { decide, type TriggerBar } from './types.ts';

// Two assets and the quote; deterministic prices with some wiggle (no randomness in the core's tests).
const u = makeUniverse('USD', { A: 0.4, B: 0.4, USD: 0.2 });
const BARS = 80;
const prices = new Float64Array(BARS * 3);
for (let t = 0; t < BARS; t++) {
  prices[t * 3] = 100 * Math.exp(0.03 * Math.sin(t * 1.3) + 0.001 * t);
  prices[t * 3 + 1] = 50 * Math.exp(0.05 * Math.cos(t * 0.7 + 1) - 0.02 * Math.sin(t * 2.1));
  prices[t * 3 + 2] = 1;
}
const P: OptbandParams = {
  kappa: 1,
  vol: 'ewma',
  refitEvery: 20,
  lambda: 0.94,
  warmup: 20,
  barsPerYear: 365,
  fixedCost: 0,
};
const costs = (feeBps: number, extra: Partial<{ fixedPerOrder: number; impact: number }> = {}): CostsConfig => ({
  feeBps,
  halfSpreadBps: 2,
  impact: extra.impact ?? 0,
  fixedPerOrder: extra.fixedPerOrder ?? 0,
  assets: extra.impact ? { A: { sigma: 0.03, adv: 1e7 }, B: { sigma: 0.05, adv: 1e6 } } : {},
});
const ctx = (feeBps: number, extra?: Partial<{ fixedPerOrder: number; impact: number }>) =>
  makePlanContext(u, { costs: costs(feeBps, extra), constraints: { assets: {} }, trigger: undefined });
const row = (t: number) => prices.subarray(t * 3, t * 3 + 3);
const bar = (w: number[], value = 1e5): TriggerBar => ({
  time: 0,
  prevTime: Number.NaN,
  qty: new Float64Array(3),
  prices: row(0),
  w: Float64Array.from(w),
  value,
});

/** s² a year of each asset by hand: EWMA forecasts of log returns, correlations of the EWMA covariance. */
function s2ByHand(k: number): number[] {
  const logr = (i: number) =>
    Float64Array.from({ length: k }, (_, t) => Math.log(prices[(t + 1) * 3 + i]! / prices[t * 3 + i]!));
  const sig = [0, 1].map((i) => Math.sqrt(fitEwma(logr(i)).forecast));
  // EWMA covariance of simple returns: seed = sample covariance of the first 20, then λ-recursion.
  const r = (t: number, i: number) => prices[(t + 1) * 3 + i]! / prices[t * 3 + i]! - 1;
  const m = [0, 1].map((i) => Array.from({ length: 20 }, (_, t) => r(t, i)).reduce((a, b) => a + b) / 20);
  let c = [
    [0, 0],
    [0, 0],
  ];
  for (let t = 0; t < 20; t++)
    for (const i of [0, 1]) for (const j of [0, 1]) c[i]![j]! += ((r(t, i) - m[i]!) * (r(t, j) - m[j]!)) / 19;
  for (let t = 20; t < k; t++) c = [0, 1].map((i) => [0, 1].map((j) => 0.94 * c[i]![j]! + 0.06 * r(t, i) * r(t, j)));
  const rho = c[0]![1]! / Math.sqrt(c[0]![0]! * c[1]![1]!);
  // Var(rᵢ − r_p), r_p = 0.4r_A + 0.4r_B (+ 0.2·0 for the quote).
  const cov = [
    [sig[0]! ** 2, rho * sig[0]! * sig[1]!],
    [rho * sig[0]! * sig[1]!, sig[1]! ** 2],
  ];
  const w = [0.4, 0.4];
  const pv = w[0]! ** 2 * cov[0]![0]! + 2 * w[0]! * w[1]! * cov[0]![1]! + w[1]! ** 2 * cov[1]![1]!;
  return [0, 1].map((i) => {
    const m2 = w[0]! * cov[i]![0]! + w[1]! * cov[i]![1]!;
    return 0.4 ** 2 * (cov[i]![i]! - 2 * m2 + pv) * 365;
  });
}

describe('optband trigger', () => {
  it('is quiet until the forecasts are fitted (30 EWMA returns), then h = (3cs²/(2κ))^(1/3) by hand', () => {
    const k = optbandKernel(ctx(10), P);
    for (let t = 0; t <= 29; t++) {
      k.observe(row(t));
      assert.equal(k.check(bar([0.9, 0.05, 0.05])), -1);
    }
    assert.match(decide(k, bar([0.4, 0.4, 0.2])).reason, /warming up the ewma forecasts/);
    for (let t = 30; t < BARS; t++) k.observe(row(t));
    assert.equal(k.check(bar([0.4, 0.4, 0.2])), -1);
    const h = k.halfWidth()!;
    const s2 = s2ByHand(BARS - 1);
    for (const i of [0, 1]) {
      const want = Math.cbrt((3 * 0.0012 * s2[i]!) / 2);
      assert.ok(Math.abs(h[i]! / want - 1) < 1e-9, `entry ${i}: ${h[i]} vs ${want}`);
    }
    assert.equal(h[2], Number.POSITIVE_INFINITY);
    // Fires just outside A's band, not just inside; the quote is never tested.
    assert.equal(k.check(bar([0.4 + h[0]! * 1.001, 0.4 - h[0]! * 1.001 + 0, 0.2])), 0);
    assert.equal(k.check(bar([0.4 + h[0]! * 0.999, 0.4 - Math.min(h[0]!, h[1]!) * 0.5, 0.2 - h[0]! * 0.499])), -1);
    assert.equal(k.check(bar([0.4, 0.4 + 0.001 * h[1]!, 0.2 - 0.001 * h[1]!])), -1);
    assert.match(decide(k, bar([0.4 + h[0]! * 1.001, 0.4 - h[0]! * 1.001, 0.2])).reason, /^optband: A drift/);
  });

  it('with a fixed cost, fires only when V·(κ/2)·Σd²h²/s² exceeds it', () => {
    const base = optbandKernel(ctx(10), P);
    for (let t = 0; t < BARS; t++) base.observe(row(t));
    const h = Float64Array.from(base.halfWidth()!);
    const s2 = Float64Array.from(s2ByHand(BARS - 1).concat([0]));
    const w = [0.4 + 1.5 * h[0]!, 0.4 - 1.5 * h[0]!, 0.2];
    const V = 1e5;
    const b = rebalanceBenefit(Float64Array.from(w), u.target, h, s2, 1, V);
    // By hand: d = ±1.5·h_A on A and B.
    const byHand = V * 0.5 * ((1.5 * h[0]!) ** 2 * (h[0]! ** 2 / s2[0]!) + (1.5 * h[0]!) ** 2 * (h[1]! ** 2 / s2[1]!));
    assert.ok(Math.abs(b / byHand - 1) < 1e-12, `${b} vs ${byHand}`);
    // fixedPerOrder 1 per asset (2 assets) + fixedCost: F just above and just below the benefit.
    const fire = (F: number) => {
      const k = optbandKernel(ctx(10, { fixedPerOrder: 1 }), { ...P, fixedCost: F - 2 });
      for (let t = 0; t < BARS; t++) k.observe(row(t));
      return k.check(bar(w, V));
    };
    assert.equal(fire(b * 0.999), 0);
    assert.equal(fire(b * 1.001), -1);
    const k = optbandKernel(ctx(10), { ...P, fixedCost: b * 1.001 });
    for (let t = 0; t < BARS; t++) k.observe(row(t));
    assert.match(decide(k, bar(w, V)).reason, /expected benefit .* ≤ fixed cost/);
  });

  it('with impact, c is taken at a trade of h·V: h solves h = (3(rate + k√(hV))s²/(2κ))^(1/3)', () => {
    const k = optbandKernel(ctx(10, { impact: 0.5 }), P);
    for (let t = 0; t < BARS; t++) k.observe(row(t));
    k.check(bar([0.4, 0.4, 0.2], 2e6));
    const h = k.halfWidth()!;
    const s2 = s2ByHand(BARS - 1);
    const kA = (0.5 * 0.03) / Math.sqrt(1e7);
    const rhs = optimalHalfWidth(0.0012 + kA * Math.sqrt(h[0]! * 2e6), s2[0]!, 1);
    assert.ok(Math.abs(h[0]! / rhs - 1) < 1e-9, `${h[0]} vs ${rhs}`);
    assert.ok(h[0]! > optimalHalfWidth(0.0012, s2[0]!, 1));
    assert.equal(halfWidthWithImpact(0.0012, 0, 2e6, s2[0]!, 1), optimalHalfWidth(0.0012, s2[0]!, 1));
    // rate 0: the start point is the fixed point itself.
    const h0 = halfWidthWithImpact(0, kA, 2e6, s2[0]!, 1);
    assert.ok(Math.abs(h0 / optimalHalfWidth(kA * Math.sqrt(h0 * 2e6), s2[0]!, 1) - 1) < 1e-9);
  });

  it('on a precomputed track: the same bands and decisions as with its own estimator; other targets refused', () => {
    for (const vol of ['ewma', 'garch'] as const) {
      const p = { ...P, vol };
      const wv = { vol, refitEvery: 20, lambda: 0.94, warmup: 20 };
      const track = optbandTrack(prices, u.target, u.quoteIndex, wv);
      const a = optbandKernel(ctx(10), p);
      const b = optbandKernel(ctx(10), p, track);
      for (let t = 0; t < BARS; t++) {
        a.observe(row(t));
        b.observe(row(t));
        const w = [0.4 + 0.01 * Math.sin(t), 0.4 - 0.01 * Math.sin(t), 0.2];
        assert.equal(a.check(bar(w)), b.check(bar(w)), `${vol} bar ${t}`);
        assert.deepEqual(a.halfWidth() && [...a.halfWidth()!], b.halfWidth() && [...b.halfWidth()!]);
      }
      assert.ok(a.halfWidth() !== null);
    }
    const other = optbandTrack(prices, Float64Array.from([0.5, 0.3, 0.2]), 2, {
      vol: 'ewma',
      refitEvery: 20,
      lambda: 0.94,
      warmup: 20,
    });
    assert.throws(() => optbandKernel(ctx(10), P, other), /another target/);
  });

  it('compiles from a portfolio config (the service: its own estimator, no track), same decisions', () => {
    const k = compileTrigger({ type: 'optband', ...P }, ctx(10));
    const own = optbandKernel(ctx(10), P);
    assert.equal(k.type, 'optband');
    for (let t = 0; t < BARS; t++) {
      k.observe(row(t));
      own.observe(row(t));
      const w = [0.4 + 0.02 * Math.cos(t), 0.4 - 0.02 * Math.cos(t), 0.2];
      assert.equal(k.check(bar(w)), own.check(bar(w)));
    }
    assert.deepEqual([...k.halfWidth()!], [...own.halfWidth()!]);
  });
});
