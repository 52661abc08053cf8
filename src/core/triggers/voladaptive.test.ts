import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeUniverse } from '../universe.ts';
import { decide, type TriggerBar } from './types.ts';
import { type VolAdaptiveParams, volAdaptiveKernel } from './voladaptive.ts';

const u = makeUniverse('USDT', { BTC: 0.5, USDT: 0.5 });
const params: VolAdaptiveParams = { base: 0.05, exponent: -1, lambda: 0.9, warmup: 3, min: 0.01, max: 0.2 };
const px = (btc: number) => Float64Array.from([btc, 1]);
/** BTC's weight given; the quote sits on its target so only BTC's band is tested. */
const bar = (btc: number): TriggerBar => ({
  time: 0,
  prevTime: Number.NaN,
  qty: new Float64Array(2),
  prices: px(100),
  w: Float64Array.from([btc, 0.5]),
  value: 1,
});

// Returns of the first 3 bars: +10%, −10%, +5% (prices 100 → 110 → 99 → 103.95).
const seedPrices = [100, 110, 99, 103.95];
const seedReturns = [110 / 100 - 1, 99 / 110 - 1, 103.95 / 99 - 1];
const mean = seedReturns.reduce((a, b) => a + b) / 3;
const seedVar = seedReturns.reduce((s, r) => s + (r - mean) ** 2, 0) / 2;

describe('voladaptive trigger', () => {
  it('does not fire before warmup returns, whatever the drift', () => {
    const k = volAdaptiveKernel(u, params);
    for (const p of seedPrices.slice(0, 3)) {
      k.observe(px(p));
      assert.equal(k.check(bar(0.99)), -1);
      assert.equal(k.halfWidth(), null);
    }
    assert.match(decide(k, bar(0.99)).reason, /warming up \(2 of 3 returns seen\)/);
    k.observe(px(seedPrices[3]!));
    assert.equal(k.check(bar(0.99)), 0);
  });
  it('seeded with the sample variance: σ = σ̄ on the seeding bar, so the band is clamp(base)', () => {
    const k = volAdaptiveKernel(u, params);
    for (const p of seedPrices) k.observe(px(p));
    assert.equal(k.halfWidth()![0], 0.05);
    assert.match(decide(k, bar(0.5)).reason, new RegExp(`σ ${(Math.sqrt(seedVar) * 100).toFixed(2)}%`));
  });
  it('band = clamp(base·(σ/σ̄)^exponent, min, max), by hand, after one EWMA step', () => {
    const next = 103.95 * 1.2; // a +20% bar: σ rises above its mean → band tightens for exponent −1
    const r = 0.2;
    const v1 = 0.9 * seedVar + 0.1 * r * r;
    const s0 = Math.sqrt(seedVar);
    const s1 = Math.sqrt(v1);
    const sbar = (s0 + s1) / 2;
    for (const [exponent, min, max] of [
      [-1, 0, 1],
      [1, 0, 1],
      [-1, 0.045, 1],
      [1, 0, 0.051],
      [0, 0, 1],
      [-2.5, 0, 1],
    ] as const) {
      const k = volAdaptiveKernel(u, { ...params, exponent, min, max });
      for (const p of [...seedPrices, next]) k.observe(px(p));
      const expected = Math.min(max, Math.max(min, 0.05 * (s1 / sbar) ** exponent));
      const got = k.halfWidth()![0]!;
      assert.ok(Math.abs(got - expected) <= 1e-15, `exponent ${exponent} [${min}, ${max}]: ${got} vs ${expected}`);
      // The quote has no volatility (σ̄ = 0): clamp(base, min, max).
      assert.equal(k.halfWidth()![1], Math.min(max, Math.max(min, 0.05)));
      // Fires only when the drift exceeds the band (equality excluded up to rounding of w − t).
      assert.equal(k.check(bar(0.5 + got * (1 - 1e-9))), -1);
      assert.equal(k.check(bar(0.5 + got * (1 + 1e-9))), 0);
    }
  });
  it('exponent 0 is a fixed band at every bar', () => {
    const k = volAdaptiveKernel(u, { ...params, exponent: 0 });
    const ps = [...seedPrices, 120, 80, 81, 81.1, 150, 149];
    for (const p of ps) {
      k.observe(px(p));
      if (k.halfWidth() !== null) assert.equal(k.halfWidth()![0], 0.05);
    }
  });
  it('exponent −1 tightens in turbulence and widens in calm; +1 the opposite', () => {
    const loud = volAdaptiveKernel(u, params);
    const calm = volAdaptiveKernel(u, params);
    const up = volAdaptiveKernel(u, { ...params, exponent: 1 });
    for (const p of [...seedPrices, 140]) {
      loud.observe(px(p));
      up.observe(px(p));
    }
    for (const p of [...seedPrices, 103.95]) calm.observe(px(p));
    assert.ok(loud.halfWidth()![0]! < 0.05);
    assert.ok(up.halfWidth()![0]! > 0.05);
    assert.ok(calm.halfWidth()![0]! > 0.05);
  });
  it('reset returns to warm-up', () => {
    const k = volAdaptiveKernel(u, params);
    for (const p of seedPrices) k.observe(px(p));
    k.reset();
    assert.equal(k.check(bar(0.99)), -1);
    assert.equal(k.halfWidth(), null);
  });
});
