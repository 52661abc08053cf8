import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { PoolMathError } from './errors.ts';
import type { Address, V4State } from './types.ts';
import { createV3Pool } from './uniswap-v3.ts';
import { createV4Pool, v3View } from './uniswap-v4.ts';
import { getSqrtRatioAtTick } from './v3-tick-math.ts';

const T0 = '0x1000000000000000000000000000000000000001' as const;
const T1 = '0x2000000000000000000000000000000000000002' as const;
const ID = `0x${'ab'.repeat(32)}` as const;

/** A pool at tick ~5 with one full-range-ish position and one narrow one. */
function state(over: Partial<V4State> = {}): V4State {
  const L1 = 10n ** 20n;
  const L2 = 5n * 10n ** 19n;
  return {
    kind: 'uniswap-v4',
    address: ID,
    poolManager: '0x3000000000000000000000000000000000000003',
    token0: T0,
    token1: T1,
    fee: 2500,
    tickSpacing: 50,
    hooks: '0x0000000000000000000000000000000000000000',
    sqrtPriceX96: getSqrtRatioAtTick(5) + 12345n,
    tick: 5,
    liquidity: L1 + L2,
    ticks: [
      { index: -50_000, liquidityNet: L1 },
      { index: -100, liquidityNet: L2 },
      { index: 200, liquidityNet: -L2 },
      { index: 50_000, liquidityNet: -L1 },
    ],
    ...over,
  };
}

test('a v4 pool swaps exactly as the v3 loop on the same state (any fee, any tick spacing)', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1n, max: 10n ** 24n }),
      fc.boolean(),
      fc.integer({ min: 0, max: 200_000 }),
      (amountIn, zeroForOne, fee) => {
        const s = state({ fee });
        const v4 = createV4Pool(s);
        const v3 = createV3Pool(v3View(s));
        const [a, b] = zeroForOne ? [T0, T1] : [T1, T0];
        assert.equal(v4.amountOut(a, b, amountIn), v3.amountOut(a, b, amountIn));
        assert.equal(v4.protocol, 'uniswap-v4');
        assert.equal(v4.id, ID);
      },
    ),
    { numRuns: 200 },
  );
});

test('refused: hooks, a non-PoolId id, tick spacing outside [1, 32767], unsorted currencies', () => {
  const bad = (over: Partial<V4State>, field: RegExp) =>
    assert.throws(
      () => createV4Pool(state(over)),
      (e: Error) => e instanceof PoolMathError && field.test(e.message),
    );
  bad({ hooks: '0x0000000000000000000000000000000000000040' }, /hooks/);
  bad({ address: T0 }, /PoolId/);
  bad({ tickSpacing: 40_000 }, /tickSpacing/);
  bad({ token0: T1, token1: T0 }, /token0/);
});

/** Recorded from the fixture's PoolManager by scripts/record-v4-vectors.ts (state by extsload, outputs of real swaps). */
const vectors = JSON.parse(readFileSync(new URL('./fixtures/v4-vectors.json', import.meta.url), 'utf8'), (_k, v) =>
  typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
) as {
  label: string;
  state: V4State;
  swaps: { tokenIn: Address; tokenOut: Address; amountIn: string; chainOut: string }[];
}[];

test('every recorded v4 chain swap is reproduced to the wei, some crossing ticks', () => {
  let n = 0;
  let crossing = 0;
  for (const v of vectors) {
    const pool = createV4Pool(v.state);
    for (const s of v.swaps) {
      const r = pool.swap(s.tokenIn, s.tokenOut, BigInt(s.amountIn));
      assert.equal(r.amountOut, BigInt(s.chainOut), `${v.label} in ${s.amountIn}`);
      if (r.ticksCrossed > 0) crossing++;
      n++;
    }
  }
  assert.ok(n >= 36, `${n} vectors`);
  assert.ok(crossing >= 5, `${crossing} crossing swaps`);
});
