import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { A_PRECISION, createCurvePool, curveGetD, curveGetDy, curveGetY } from './curve-stable.ts';
import type { Address, CurveState } from './types.ts';

const X = '0x0000000000000000000000000000000000000011' as Address;
const Y = '0x0000000000000000000000000000000000000022' as Address;
const Z = '0x0000000000000000000000000000000000000033' as Address;
const E18 = 10n ** 18n;

function pool(overrides: Partial<CurveState> = {}): CurveState {
  return {
    kind: 'curve-stable',
    address: '0x00000000000000000000000000000000000000cC',
    tokens: [X, Y, Z],
    balances: [1_000_000n * E18, 1_000_000n * 10n ** 6n, 1_000_000n * 10n ** 6n],
    decimals: [18, 6, 6],
    A: 100n,
    fee: 4_000_000n,
    ...overrides,
  };
}

/** Swap dx of token i in the 18-decimal xp space without fee: returns dy (before fee). */
function rawDy(xp: bigint[], amp: bigint, i: number, j: number, dx: bigint): bigint {
  const d = curveGetD(xp, amp);
  return xp[j] - curveGetY(i, j, xp[i] + dx, xp, amp, d) - 1n;
}

test('symmetric pool at balance trades ~1:1 (less the 0.04% fee), across 18 and 6 decimals', () => {
  const p = createCurvePool(pool());
  const out = p.amountOut(X, Y, 1000n * E18);
  // 0.04% fee plus ~1e-5 slippage for a 0.1% trade at A = 100
  assert.ok(Math.abs(Number(out) / 1e6 - 1000 * (1 - 4e-4)) < 2e-2, `${out}`);
  const out2 = p.amountOut(Z, X, 1000n * 10n ** 6n);
  assert.ok(Math.abs(Number(out2) / 1e18 - 1000 * (1 - 4e-4)) < 2e-2);
});

test('the invariant is preserved by a swap (the pool never loses D: it rounds in its favour)', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 10n ** 15n, max: 5n * 10n ** 23n }), fc.integer({ min: 1, max: 2000 }), (dx, A) => {
      const xp = [10n ** 24n, 7n * 10n ** 23n, 13n * 10n ** 23n];
      const amp = BigInt(A) * A_PRECISION;
      const d0 = curveGetD(xp, amp);
      const dy = rawDy(xp, amp, 0, 2, dx);
      const d1 = curveGetD([xp[0] + dx, xp[1], xp[2] - dy], amp);
      assert.ok(d1 >= d0 - 2n, `D fell from ${d0} to ${d1}`);
      assert.ok(d1 - d0 <= d0 / 10n ** 15n, `D rose too much: ${d0} -> ${d1}`);
    }),
    { numRuns: 200 },
  );
});

test('A -> infinity approaches constant sum, A -> 0 approaches constant product', () => {
  const xp = [10n ** 24n, 10n ** 24n];
  const dx = 5n * 10n ** 23n; // half the balance: far from linear for a constant product
  const high = Number(rawDy(xp, 10n ** 8n * A_PRECISION, 0, 1, dx)) / Number(dx);
  assert.ok(Math.abs(high - 1) < 1e-4, `A=1e8 gives ${high}`);
  const low = Number(rawDy(xp, 1n, 0, 1, dx)); // amp = 1 means A = 0.01
  const cp = 1e24 - 1e48 / (1e24 + 5e23);
  assert.ok(Math.abs(low / cp - 1) < 1e-2, `A=0.01 gives ${low} vs x*y=k ${cp}`);
  // output increases with A for an unbalancing trade
  const mids = [1n, 10n, 100n, 1000n].map((A) => rawDy(xp, A * A_PRECISION, 0, 1, dx));
  for (let k = 1; k < mids.length; k++) assert.ok(mids[k] > mids[k - 1]);
});

test('property: monotone in input, below the balance out', () => {
  const s = pool();
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: 10n ** 25n }), fc.bigInt({ min: 0n, max: 10n ** 24n }), (x, d) => {
      const y1 = curveGetDy(s, 0, 1, x);
      const y2 = curveGetDy(s, 0, 1, x + d);
      assert.ok(y2 >= y1);
      assert.ok(y2 < s.balances[1]);
    }),
    { numRuns: 200 },
  );
});

test('property: marginal matches finite differences of amountOut', () => {
  const p = createCurvePool(pool({ balances: [1_500_000n * E18, 700_000n * 10n ** 6n, 1_000_000n * 10n ** 6n] }));
  fc.assert(
    fc.property(
      fc.double({ min: 1e-4, max: 3, noNaN: true }),
      fc.constantFrom([X, Y, 1e18], [Y, Z, 1e6], [Z, X, 1e6]),
      (frac, [a, b, unit]) => {
        const x = Math.max(1e3, frac * 1e6) * unit;
        const h = x * 1e-4; // small enough for the curvature past the knee of the curve
        const f = (v: number) => Number(p.amountOut(a, b, BigInt(Math.round(v))));
        const fd = (f(x + h) - f(x - h)) / (2 * h);
        const m = p.marginal(a, b, x);
        assert.ok(Math.abs(m / fd - 1) < 1e-5, `${m} vs ${fd} at ${x}`);
      },
    ),
    { numRuns: 100 },
  );
});
