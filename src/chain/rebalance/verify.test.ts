import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { firstDifference } from './verify.ts';

test('equal states agree; any numeric field moved beyond the tolerance is named by its path', () => {
  const s = { kind: 'uniswap-v2', reserve0: 1_000_000n, reserve1: 2_000_000n, ticks: [{ index: 1, liquidityNet: 5n }] };
  assert.equal(firstDifference(s, structuredClone(s), 0), undefined);
  assert.equal(firstDifference(s, { ...s, reserve0: 1_000_500n }, 10), undefined, '5 bps ≤ 10');
  assert.equal(firstDifference(s, { ...s, reserve0: 1_002_000n }, 10), 'reserve0: 1000000 vs 1002000');
  assert.equal(firstDifference(s, { ...s, ticks: [] }, 10), 'ticks: 1 entries vs 0');
  assert.equal(firstDifference(s, { ...s, kind: 'uniswap-v3' }, 10), 'kind: uniswap-v2 vs uniswap-v3');
});

test('a bigint scaled by k agrees iff |k − 1| ≤ tolerance', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 1n, max: 10n ** 30n }),
      fc.integer({ min: 0, max: 2000 }),
      fc.integer({ min: 0, max: 1000 }),
      (x, moveBps, tol) => {
        const y = x + (x * BigInt(moveBps)) / 10_000n;
        const d = firstDifference({ r: x }, { r: y }, tol);
        // y − x ≤ x·move/1e4 and the gap is measured against the larger value
        if (moveBps <= tol) assert.equal(d, undefined);
        if (y - x > 0n && (y - x) * 10_000n > BigInt(tol) * y) assert.notEqual(d, undefined);
      },
    ),
  );
});
