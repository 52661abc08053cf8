import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { notPlacedVerdict, shouldMarkNotPlaced } from './not-placed-rule.ts';

const S = 1000;

test('not-placed rule: three misses over 60 s (recvWindow 5 s) → not placed', () => {
  assert.equal(shouldMarkNotPlaced([0, 30 * S, 60 * S], { recvWindowMs: 5 * S }), true);
});

test('not-placed rule: too few lookups, or too short a span, is not enough', () => {
  assert.equal(shouldMarkNotPlaced([0, 120 * S], { recvWindowMs: 5 * S }), false);
  assert.equal(shouldMarkNotPlaced([0, 1 * S, 59_999], { recvWindowMs: 5 * S }), false);
  assert.equal(shouldMarkNotPlaced([], { recvWindowMs: 5 * S }), false);
  const v = notPlacedVerdict([0, 10 * S], { recvWindowMs: 5 * S });
  assert.deepEqual(v, { notPlaced: false, lookups: 2, spanMs: 10 * S, requiredSpanMs: 60 * S, earliestAt: 60 * S });
});

test('not-placed rule: a recvWindow above 60 s sets the span', () => {
  assert.equal(shouldMarkNotPlaced([0, 40 * S, 80 * S], { recvWindowMs: 90 * S }), false);
  assert.equal(shouldMarkNotPlaced([0, 40 * S, 90 * S], { recvWindowMs: 90 * S }), true);
});

test('not-placed rule: order of the times does not matter; non-finite times are ignored', () => {
  assert.equal(shouldMarkNotPlaced([60 * S, 0, 30 * S], { recvWindowMs: 0 }), true);
  assert.equal(shouldMarkNotPlaced([0, Number.NaN, 60 * S], { recvWindowMs: 0 }), false);
});

test('not-placed rule (property): true exactly when ≥3 times span ≥ max(recvWindow, 60 s)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 8 }),
      fc.integer({ min: 0, max: 200_000 }),
      (times, rw) => {
        const span = times.length === 0 ? 0 : Math.max(...times) - Math.min(...times);
        const expected = times.length >= 3 && span >= Math.max(rw, 60_000);
        assert.equal(shouldMarkNotPlaced(times, { recvWindowMs: rw }), expected);
        // Adding a later miss never un-marks it (monotone).
        if (expected) assert.equal(shouldMarkNotPlaced([...times, Math.max(...times) + 1], { recvWindowMs: rw }), true);
      },
    ),
  );
});
