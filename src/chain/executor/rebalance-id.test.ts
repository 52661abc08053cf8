import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RebalanceIdError, rebalanceIdOf } from './rebalance-id.ts';

test('one id per (journal, portfolio, cycle): equal inputs give the same bytes32, any change another', () => {
  fc.assert(
    fc.property(
      fc.tuple(fc.string(), fc.string(), fc.nat()),
      fc.tuple(fc.string(), fc.string(), fc.nat()),
      ([j1, p1, c1], [j2, p2, c2]) => {
        const a = rebalanceIdOf(j1, p1, c1);
        assert.match(a, /^0x[0-9a-f]{64}$/);
        assert.equal(a === rebalanceIdOf(j2, p2, c2), j1 === j2 && p1 === p2 && c1 === c2);
      },
    ),
  );
});

test('the cycle is the low 64 bits: 256 consecutive cycles of one portfolio share one executor word (id >> 8)', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.bigInt({ min: 0n, max: (1n << 56n) - 1n }), (j, p, k) => {
      const words = new Set<bigint>();
      for (let c = k * 256n; c < k * 256n + 256n; c += 51n) {
        const id = BigInt(rebalanceIdOf(j, p, c));
        assert.equal(id & ((1n << 64n) - 1n), c);
        words.add(id >> 8n);
      }
      assert.equal(words.size, 1);
    }),
  );
  assert.throws(() => rebalanceIdOf('j', 'p', 1n << 64n), RebalanceIdError);
  assert.throws(() => rebalanceIdOf('j', 'p', -1), RebalanceIdError);
});
