import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkEmptyBalances, holdsPosition, isEmptyBalances } from './balance-reply-rule.ts';

describe('checkEmptyBalances', () => {
  it('a non-empty reply is always ok', () => {
    for (const previousNonEmpty of [false, true])
      for (const journalHoldsPosition of [false, true])
        assert.deepEqual(checkEmptyBalances({ reply: { BTC: 1 }, previousNonEmpty, journalHoldsPosition }), {
          kind: 'ok',
          empty: false,
        });
  });

  it('an empty first reply with nothing journaled is accepted, flagged empty for the caller to log', () => {
    assert.deepEqual(checkEmptyBalances({ reply: {}, previousNonEmpty: false, journalHoldsPosition: false }), {
      kind: 'ok',
      empty: true,
    });
    assert.deepEqual(
      checkEmptyBalances({ reply: { BTC: 0 }, previousNonEmpty: false, journalHoldsPosition: false }),
      { kind: 'ok', empty: true },
      'zeros only is empty',
    );
  });

  it('an empty reply after a non-empty one is refused', () => {
    const v = checkEmptyBalances({ reply: {}, previousNonEmpty: true, journalHoldsPosition: false });
    assert.equal(v.kind, 'refused');
    assert.equal(v.kind === 'refused' && v.code, 'empty_after_non_empty');
    assert.match(v.kind === 'refused' ? v.reason : '', /previous reply held some/);
  });

  it('an empty reply while the journal holds a position is refused (that reason first)', () => {
    for (const previousNonEmpty of [false, true]) {
      const v = checkEmptyBalances({ reply: {}, previousNonEmpty, journalHoldsPosition: true });
      assert.equal(v.kind === 'refused' && v.code, 'empty_with_journal_position');
    }
  });

  it('property: refused exactly when the reply is empty and (previous non-empty or journal holds)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[A-Z]{2,4}$/),
          fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
        ),
        fc.boolean(),
        fc.boolean(),
        (reply, previousNonEmpty, journalHoldsPosition) => {
          const v = checkEmptyBalances({ reply, previousNonEmpty, journalHoldsPosition });
          const empty = Object.values(reply).every((q) => q === 0);
          assert.equal(v.kind === 'refused', empty && (previousNonEmpty || journalHoldsPosition));
          if (v.kind === 'ok') assert.equal(v.empty, empty);
        },
      ),
    );
  });
});

describe('helpers', () => {
  it('isEmptyBalances and holdsPosition', () => {
    assert.equal(isEmptyBalances({}), true);
    assert.equal(isEmptyBalances({ A: 0 }), true);
    assert.equal(isEmptyBalances({ A: 0, B: 1e-12 }), false);
    assert.equal(holdsPosition({}), false);
    assert.equal(holdsPosition({ USDT: 0 }), false);
    assert.equal(holdsPosition({ USDT: 0, BTC: -0.1 }), true, 'a short or an overdraft is a position too');
  });
});
