import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Address } from './types.ts';
import { createV2Pool, v2AmountIn, v2AmountOut } from './uniswap-v2.ts';

const A = '0x00000000000000000000000000000000000000aA' as Address;
const B = '0x00000000000000000000000000000000000000bb' as Address;

test('hand-checked getAmountOut vectors', () => {
  // 1 token in against 10/10 reserves (1e18 units): 997e18*10e18 / (10e18*1000 + 997e18) = 906610893880149131.
  const e = 10n ** 18n;
  assert.equal(v2AmountOut(e, 10n * e, 10n * e), 906610893880149131n);
  assert.equal(v2AmountOut(1000n, 1000000n, 1000000n), 996n); // 997000*1e6/(1e9+997000) = 996.0...
  assert.equal(v2AmountOut(0n, 5n, 5n), 0n);
  assert.equal(v2AmountOut(5n, 0n, 5n), 0n);
});

test('pool: direction, case-insensitive addresses, unknown token error', () => {
  const p = createV2Pool({
    kind: 'uniswap-v2',
    address: '0xABCDEF0000000000000000000000000000000001',
    token0: A,
    token1: B,
    reserve0: 1_000_000n,
    reserve1: 2_000_000n,
  });
  assert.equal(p.id, '0xabcdef0000000000000000000000000000000001');
  assert.equal(p.amountOut(A, B, 1000n), v2AmountOut(1000n, 1_000_000n, 2_000_000n));
  assert.equal(
    p.amountOut(B.toUpperCase().replace('0X', '0x') as Address, A, 1000n),
    v2AmountOut(1000n, 2_000_000n, 1_000_000n),
  );
  assert.throws(() => p.amountOut('0x0000000000000000000000000000000000000001', A, 1n), /does not hold token/);
  assert.equal(p.maxIn(A, B), Number.POSITIVE_INFINITY);
});

test('property: monotone, below reserves, getAmountIn is the smallest sufficient input', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1000n, max: 10n ** 30n }),
      fc.bigInt({ min: 1000n, max: 10n ** 30n }),
      fc.bigInt({ min: 1n, max: 10n ** 30n }),
      fc.bigInt({ min: 0n, max: 10n ** 25n }),
      (rIn, rOut, x, d) => {
        const y = v2AmountOut(x, rIn, rOut);
        assert.ok(y < rOut);
        assert.ok(v2AmountOut(x + d, rIn, rOut) >= y);
        if (y > 0n) {
          const need = v2AmountIn(y, rIn, rOut);
          assert.ok(need <= x);
          assert.ok(v2AmountOut(need, rIn, rOut) >= y);
          assert.ok(v2AmountOut(need - 1n, rIn, rOut) < y);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('property: marginal equals the finite difference of amountOut', () => {
  const p = createV2Pool({
    kind: 'uniswap-v2',
    address: '0x0000000000000000000000000000000000000002',
    token0: A,
    token1: B,
    reserve0: 10n ** 24n,
    reserve1: 3n * 10n ** 21n,
  });
  fc.assert(
    fc.property(fc.double({ min: 1e16, max: 1e25, noNaN: true }), fc.boolean(), (x, dir) => {
      const [a, b] = dir ? [A, B] : [B, A];
      const h = x * 1e-5;
      const f = (v: number) => Number(p.amountOut(a, b, BigInt(Math.round(v))));
      const fd = (f(x + h) - f(x - h)) / (2 * h);
      assert.ok(Math.abs(p.marginal(a, b, x) / fd - 1) < 1e-6);
    }),
    { numRuns: 200 },
  );
});
