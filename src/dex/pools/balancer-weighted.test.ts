import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ln, logExpPow } from './balancer-log-exp.ts';
import { createWeightedPool, weightedAmountOut } from './balancer-weighted.ts';
import type { Address, WeightedState } from './types.ts';

const A = '0x00000000000000000000000000000000000000a1' as Address;
const B = '0x00000000000000000000000000000000000000b2' as Address;
const E18 = 10n ** 18n;

function pool(overrides: Partial<WeightedState> = {}): WeightedState {
  return {
    kind: 'balancer-weighted',
    address: '0x00000000000000000000000000000000000000F1',
    poolId: '0x00000000000000000000000000000000000000f1000200000000000000000001',
    tokens: [A, B],
    balances: [1_000_000n * 10n ** 6n, 500n * E18],
    decimals: [6, 18],
    weights: [8n * 10n ** 17n, 2n * 10n ** 17n],
    swapFeePercentage: 3n * 10n ** 15n,
    ...overrides,
  };
}

test('LogExpMath.pow and ln agree with real powers to 1e-14 relative', () => {
  const cases: [number, number][] = [
    [0.5, 4],
    [0.95, 0.25],
    [1.05, 3],
    [2, 0.5],
    [123.456, 1.7],
    [0.001, 2.5],
    [0.99999, 1],
  ];
  for (const [x, y] of cases) {
    const got = Number(logExpPow(BigInt(Math.round(x * 1e18)), BigInt(Math.round(y * 1e18)))) / 1e18;
    // 18-decimal results: relative 1e-14 or one unit in the 18th decimal
    assert.ok(Math.abs(got - x ** y) < 1e-14 * x ** y + 2e-18, `${x}^${y}: ${got} vs ${x ** y}`);
  }
  assert.equal(logExpPow(0n, E18), 0n);
  assert.equal(logExpPow(5n * E18, 0n), E18);
  assert.ok(Math.abs(Number(ln(E18 * 10n)) / 1e18 - Math.log(10)) < 1e-15);
});

test('80/20 pool, 6 and 18 decimals: close to the real-valued formula, never above it', () => {
  const s = pool();
  for (const x of [10n ** 6n, 1234n * 10n ** 6n, 250_000n * 10n ** 6n]) {
    const got = weightedAmountOut(s, 0, 1, x);
    const xe = (Number(x) / 1e6) * (1 - 0.003);
    const exact = 500 * (1 - (1_000_000 / (1_000_000 + xe)) ** 4);
    assert.ok(Number(got) / 1e18 <= exact);
    // pow's 1e-14 relative error bound, amplified by 1 - base^4, is at most ~1e-14 of the balance out
    assert.ok(Math.abs(Number(got) / 1e18 - exact) < 2e-14 * 500, `${got} vs ${exact}`);
  }
});

test('version 2 math (weighted-pool-v2+) short-cuts exponent 1 for 50/50 pools; version 1 rounds slightly lower', () => {
  const s = pool({ weights: [E18 / 2n, E18 / 2n], balances: [10n ** 12n, 10n ** 24n] });
  const v1 = weightedAmountOut(s, 0, 1, 10n ** 9n);
  const v2 = weightedAmountOut({ ...s, mathVersion: 2 }, 0, 1, 10n ** 9n);
  assert.ok(v1 <= v2);
  // v2 with exponent 1: out = Bo * (1 - divUp(Bi, Bi + x)) exactly
  const sIn = 10n ** 12n;
  const xIn = (10n ** 9n - (10n ** 9n * 3n * 10n ** 15n + E18 - 1n) / E18) * sIn;
  const bi = 10n ** 12n * sIn;
  const base = (bi * E18 - 1n) / (bi + xIn) + 1n;
  assert.equal(v2, (10n ** 24n * (E18 - base)) / E18);
});

test('inputs above 30% of the balance are impossible (0n), maxIn marks the bound', () => {
  const p = createWeightedPool(pool());
  const m = p.maxIn(A, B);
  assert.ok(p.amountOut(A, B, BigInt(Math.floor(m * 0.999))) > 0n);
  assert.equal(p.amountOut(A, B, BigInt(Math.ceil(m * 1.001))), 0n);
});

test('property: monotone in input, below the balance out, marginal matches finite differences', () => {
  const p = createWeightedPool(pool());
  fc.assert(
    fc.property(fc.double({ min: 1e-6, max: 0.29, noNaN: true }), fc.boolean(), (frac, dir) => {
      // from 100 tokens (integer input noise stays < 1e-5) to 29% of the balance in
      const [a, b, bal, unit] = dir ? [A, B, 1e12, 1e6] : [B, A, 5e20, 1e18];
      const xx = Math.max(100 * unit, frac * bal);
      const y1 = p.amountOut(a, b, BigInt(Math.round(xx)));
      const y2 = p.amountOut(a, b, BigInt(Math.round(xx * 1.01)));
      assert.ok(y2 >= y1);
      assert.ok(y1 < (dir ? 500n * E18 : 10n ** 12n));
      const h = xx * 1e-3;
      const f = (v: number) => Number(p.amountOut(a, b, BigInt(Math.round(v))));
      const fd = (f(xx + h) - f(xx - h)) / (2 * h);
      assert.ok(Math.abs(p.marginal(a, b, xx) / fd - 1) < 1e-4, `${p.marginal(a, b, xx)} vs ${fd}`);
    }),
    { numRuns: 200 },
  );
});
