import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ChainRevert } from './errors.ts';
import {
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
} from './v3-tick-math.ts';

test('getSqrtRatioAtTick boundary and known values (Uniswap v3-core TickMath.spec)', () => {
  assert.equal(getSqrtRatioAtTick(MIN_TICK), 4295128739n);
  assert.equal(getSqrtRatioAtTick(MIN_TICK + 1), 4295343490n);
  assert.equal(getSqrtRatioAtTick(MAX_TICK), 1461446703485210103287273052203988822378723970342n);
  assert.equal(getSqrtRatioAtTick(MAX_TICK - 1), 1461373636630004318706518188784493106690254656249n);
  assert.equal(getSqrtRatioAtTick(0), 1n << 96n);
  assert.throws(() => getSqrtRatioAtTick(MIN_TICK - 1), ChainRevert);
  assert.throws(() => getSqrtRatioAtTick(MAX_TICK + 1), ChainRevert);
});

test('getTickAtSqrtRatio boundary values (Uniswap v3-core TickMath.spec)', () => {
  assert.equal(getTickAtSqrtRatio(MIN_SQRT_RATIO), MIN_TICK);
  assert.equal(getTickAtSqrtRatio(4295343490n), MIN_TICK + 1);
  assert.equal(getTickAtSqrtRatio(1461373636630004318706518188784493106690254656249n), MAX_TICK - 1);
  assert.equal(getTickAtSqrtRatio(MAX_SQRT_RATIO - 1n), MAX_TICK - 1);
  assert.equal(getTickAtSqrtRatio(1n << 96n), 0);
  assert.throws(() => getTickAtSqrtRatio(MIN_SQRT_RATIO - 1n), ChainRevert);
  assert.throws(() => getTickAtSqrtRatio(MAX_SQRT_RATIO), ChainRevert);
});

test('getSqrtRatioAtTick is within 1e-9 relative (float reference) of sqrt(1.0001^tick) * 2^96', () => {
  for (const t of [-500000, -50000, -150, -1, 1, 150, 50000, 500000]) {
    const exact = Math.sqrt(1.0001 ** t) * 2 ** 96;
    const got = Number(getSqrtRatioAtTick(t));
    assert.ok(Math.abs(got / exact - 1) < 1e-9, `tick ${t}`);
  }
});

test('property: getTickAtSqrtRatio inverts getSqrtRatioAtTick (greatest tick with ratio <= price)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: MIN_TICK, max: MAX_TICK - 1 }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      (t, frac) => {
        const lo = getSqrtRatioAtTick(t);
        const hi = getSqrtRatioAtTick(t + 1);
        assert.equal(getTickAtSqrtRatio(lo), t);
        const inside = lo + ((hi - lo - 1n) * frac) / ((1n << 64n) - 1n);
        assert.equal(getTickAtSqrtRatio(inside), t);
      },
    ),
    { numRuns: 500 },
  );
});
