import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { rebalanceIdOf } from './rebalance-id.ts';

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
