import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Address, V3State } from './types.ts';
import { buildTickTable, createV3Pool } from './uniswap-v3.ts';
import { nextInitializedTickWithinOneWord, type V3SwapInput, v3SwapExactIn } from './v3-swap.ts';
import { getSqrtRatioAtTick, MAX_TICK, MIN_TICK } from './v3-tick-math.ts';

const T0 = '0x00000000000000000000000000000000000000a0' as Address;
const T1 = '0x00000000000000000000000000000000000000b1' as Address;
const E18 = 10n ** 18n;

/** A pool at tick ~0 with liquidity in three overlapping ranges (like the fixture's positions). */
function fixturePool(fee = 3000, spacing = 60): V3State {
  const ranges: [number, number, bigint][] = [
    [-600, 600, 50n * E18],
    [-6000, 1200, 20n * E18],
    [-120, 18000, 5n * E18],
  ];
  const net = new Map<number, bigint>();
  for (const [lo, hi, l] of ranges) {
    net.set(lo, (net.get(lo) ?? 0n) + l);
    net.set(hi, (net.get(hi) ?? 0n) - l);
  }
  const ticks = [...net.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, liquidityNet]) => ({ index, liquidityNet }));
  const tick = 7;
  const liquidity = ranges.filter(([lo, hi]) => lo <= tick && tick < hi).reduce((s, r) => s + r[2], 0n);
  return {
    kind: 'uniswap-v3',
    address: '0x00000000000000000000000000000000000000C3',
    token0: T0,
    token1: T1,
    fee,
    tickSpacing: spacing,
    sqrtPriceX96: getSqrtRatioAtTick(tick) + 12345n,
    tick,
    liquidity,
    ticks,
  };
}

/** Reference TickBitmap: a real map of 256-bit words with BitMath msb/lsb, as the contract stores it. */
function bitmapNext(
  ticks: number[],
  spacing: number,
  tick: number,
  lte: boolean,
): { next: number; initialized: boolean } {
  const words = new Map<number, bigint>();
  for (const t of ticks) {
    const c = t / spacing;
    const w = c >> 8;
    words.set(w, (words.get(w) ?? 0n) | (1n << BigInt(c & 255)));
  }
  let compressed = Math.trunc(tick / spacing);
  if (tick < 0 && tick % spacing !== 0) compressed--;
  const msb = (x: bigint) => x.toString(2).length - 1;
  const lsb = (x: bigint) => msb(x & -x);
  if (lte) {
    const w = compressed >> 8;
    const bit = compressed & 255;
    const masked = (words.get(w) ?? 0n) & ((1n << BigInt(bit)) - 1n + (1n << BigInt(bit)));
    return masked !== 0n
      ? { next: (compressed - (bit - msb(masked))) * spacing, initialized: true }
      : { next: (compressed - bit) * spacing, initialized: false };
  }
  const c1 = compressed + 1;
  const w = c1 >> 8;
  const bit = c1 & 255;
  const masked = (words.get(w) ?? 0n) & ~((1n << BigInt(bit)) - 1n);
  return masked !== 0n
    ? { next: (c1 + (lsb(masked) - bit)) * spacing, initialized: true }
    : { next: (c1 + (255 - bit)) * spacing, initialized: false };
}

test('property: next tick within one word equals a real bitmap with msb/lsb', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 200 }),
      fc.uniqueArray(fc.integer({ min: -3000, max: 3000 }), { maxLength: 30 }),
      fc.integer({ min: -800000, max: 800000 }),
      fc.boolean(),
      (spacing, cs, tick, lte) => {
        const ticks = cs
          .map((c) => c * spacing)
          .filter((t) => t >= MIN_TICK && t <= MAX_TICK)
          .sort((a, b) => a - b);
        const table = {
          tickSpacing: spacing,
          compressed: Int32Array.from(ticks.map((t) => t / spacing)),
          liquidityNet: ticks.map(() => 1n),
        };
        const got = nextInitializedTickWithinOneWord(table, tick, lte);
        assert.deepEqual({ next: got.next, initialized: got.initialized }, bitmapNext(ticks, spacing, tick, lte));
      },
    ),
    { numRuns: 2000 },
  );
});

test('swap within one range matches the constant-liquidity closed form (within rounding)', () => {
  const s = fixturePool();
  const pool = createV3Pool(s);
  const dx = 10n ** 15n;
  const L = Number(s.liquidity);
  const sp = Number(s.sqrtPriceX96) / 2 ** 96;
  const eff = Number(dx) * (1 - 0.003);
  const sq = 1 / (1 / sp + eff / L);
  const expected = L * (sp - sq);
  const got = Number(pool.amountOut(T0, T1, dx));
  assert.ok(Math.abs(got / expected - 1) < 1e-9, `${got} vs ${expected}`);
  assert.equal(pool.swap(T0, T1, dx).ticksCrossed, 0);
});

test('large swaps cross initialized ticks, stop when liquidity runs out, and maxIn is the input taken', () => {
  const pool = createV3Pool(fixturePool());
  for (const [a, b] of [
    [T0, T1],
    [T1, T0],
  ] as const) {
    const big = pool.swap(a, b, 10n ** 30n);
    assert.ok(big.ticksCrossed >= 2, `crossed ${big.ticksCrossed}`);
    assert.equal(big.liquidity, 0n);
    assert.ok(big.amountIn < 10n ** 30n);
    assert.equal(Number(big.amountIn), pool.maxIn(a, b));
    assert.equal(pool.amountOut(a, b, big.amountIn), big.amountOut);
    assert.equal(pool.amountOut(a, b, big.amountIn * 2n), big.amountOut);
    assert.equal(pool.marginal(a, b, pool.maxIn(a, b) * 1.01), 0);
  }
});

test('property: output monotone in input, never above what the pool holds in range', () => {
  const pool = createV3Pool(fixturePool(500, 10));
  const maxOut01 = pool.swap(T0, T1, 10n ** 30n).amountOut;
  const maxOut10 = pool.swap(T1, T0, 10n ** 30n).amountOut;
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1n, max: 10n ** 21n }),
      fc.bigInt({ min: 0n, max: 10n ** 20n }),
      fc.boolean(),
      (x, d, dir) => {
        const [a, b, cap] = dir ? [T0, T1, maxOut01] : [T1, T0, maxOut10];
        const y1 = pool.amountOut(a, b, x);
        const y2 = pool.amountOut(a, b, x + d);
        assert.ok(y2 >= y1);
        assert.ok(y2 <= cap);
      },
    ),
    { numRuns: 300 },
  );
});

test('property: crossing ticks one by one (stopping at each initialized tick and resuming) gives the same result', () => {
  const s = fixturePool(3000, 60);
  const table = buildTickTable(s);
  const start: V3SwapInput = { sqrtPriceX96: s.sqrtPriceX96, tick: s.tick, liquidity: s.liquidity, fee: s.fee, table };
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: 10n ** 21n }), fc.boolean(), (amount, zeroForOne) => {
      const whole = v3SwapExactIn(start, zeroForOne, amount);
      let st = start;
      let left = amount;
      let out = 0n;
      const stops = s.ticks.map((t) => t.index).filter((t) => (zeroForOne ? t <= s.tick : t > s.tick));
      if (zeroForOne) stops.reverse();
      for (const t of stops) {
        if (left === 0n) break;
        const r = v3SwapExactIn(st, zeroForOne, left, getSqrtRatioAtTick(t));
        left -= r.amountIn;
        out += r.amountOut;
        st = { ...st, sqrtPriceX96: r.sqrtPriceX96, tick: r.tick, liquidity: r.liquidity };
      }
      if (left > 0n && st.liquidity > 0n) {
        const r = v3SwapExactIn(st, zeroForOne, left);
        left -= r.amountIn;
        out += r.amountOut;
      }
      assert.equal(out, whole.amountOut);
      assert.equal(amount - left, whole.amountIn);
    }),
    { numRuns: 200 },
  );
});

test('property: jumping over empty ranges gives exactly the word-by-word result', () => {
  // gaps without liquidity between positions, so the swap walks through empty words
  const base = fixturePool(500, 10);
  const s: V3State = {
    ...base,
    ticks: [
      { index: -40000, liquidityNet: 3n * E18 },
      { index: -30000, liquidityNet: -3n * E18 },
      ...base.ticks,
      { index: 30000, liquidityNet: 4n * E18 },
      { index: 52000, liquidityNet: -4n * E18 },
    ],
  };
  const table = buildTickTable(s);
  const start: V3SwapInput = { sqrtPriceX96: s.sqrtPriceX96, tick: s.tick, liquidity: s.liquidity, fee: s.fee, table };
  for (const zeroForOne of [true, false]) {
    const all = v3SwapExactIn(start, zeroForOne, 10n ** 30n, undefined, false);
    assert.ok(all.ticksCrossed >= 5 && all.steps > 20, `crossed ${all.ticksCrossed} in ${all.steps} steps`);
    assert.deepEqual({ ...v3SwapExactIn(start, zeroForOne, 10n ** 30n), steps: 0 }, { ...all, steps: 0 });
  }
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: 10n ** 24n }), fc.boolean(), (amount, zeroForOne) => {
      const fast = v3SwapExactIn(start, zeroForOne, amount);
      const slow = v3SwapExactIn(start, zeroForOne, amount, undefined, false);
      assert.deepEqual({ ...fast, steps: 0 }, { ...slow, steps: 0 });
    }),
    { numRuns: 100 },
  );
});

test('inconsistent tick lists are rejected with the field named', () => {
  const s = fixturePool();
  assert.throws(() => createV3Pool({ ...s, ticks: s.ticks.slice(1) }), /ticks.*incomplete/);
  assert.throws(() => createV3Pool({ ...s, liquidity: s.liquidity + 1n }), /pool reports/);
});

test('a pool whose price sits in a gap without liquidity still quotes both ways', () => {
  const base = fixturePool(3000, 60);
  const s: V3State = {
    ...base,
    ticks: [...base.ticks, { index: 30000, liquidityNet: 4n * E18 }, { index: 52020, liquidityNet: -4n * E18 }],
    tick: 25_000,
    sqrtPriceX96: getSqrtRatioAtTick(25_000) + 1n,
    liquidity: 0n,
  };
  const pool = createV3Pool(s);
  for (const [a, b] of [
    [T0, T1],
    [T1, T0],
  ] as const) {
    const x = a === T0 ? 10n ** 18n : 10n ** 19n;
    assert.ok(pool.amountOut(a, b, x) > 0n);
    const m = pool.marginal(a, b, Number(x));
    const f = (v: number) => Number(pool.amountOut(a, b, BigInt(Math.round(v))));
    const h = Number(x) * 1e-4;
    const fd = (f(Number(x) + h) - f(Number(x) - h)) / (2 * h);
    assert.ok(Math.abs(m / fd - 1) < 1e-5, `${m} vs ${fd}`);
  }
});

test('property: marginal equals the finite difference of amountOut', () => {
  const pool = createV3Pool(fixturePool());
  fc.assert(
    fc.property(fc.double({ min: 1e15, max: 2e20, noNaN: true }), fc.boolean(), (x, dir) => {
      const [a, b] = dir ? [T0, T1] : [T1, T0];
      if (x > pool.maxIn(a, b) * 0.99) return;
      const h = Math.max(1e12, x * 1e-6);
      const f = (v: number) => Number(pool.amountOut(a, b, BigInt(Math.round(v))));
      const fd = (f(x + h) - f(x - h)) / (2 * h);
      const m = pool.marginal(a, b, x);
      // a kink at an initialized tick makes the central difference straddle two slopes: skip those points
      const left = (f(x) - f(x - h)) / h;
      const right = (f(x + h) - f(x)) / h;
      if (Math.abs(left / right - 1) > 1e-4) return;
      assert.ok(Math.abs(m / fd - 1) < 1e-5, `marginal ${m} vs finite difference ${fd} at ${x}`);
    }),
    { numRuns: 200 },
  );
});
