import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOrderId } from '../core/orders/client-order-id.ts';
import { IllegalTransitionError, JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import { intent, journalWithPortfolio, T0 } from './testing/fixtures.ts';

function setup() {
  const j = journalWithPortfolio();
  j.cycles.start('main', T0);
  return j;
}

test('commitIntent: deterministic id from the journal namespace; committed with its creation event; idempotent', () => {
  const j = setup();
  const a = j.orders.commitIntent(intent());
  assert.equal(a.clientOrderId, clientOrderId('main', 1, 0, 0, 'test'));
  assert.equal(a.state, 'committed');
  assert.deepEqual(
    j.orders.events(a.clientOrderId).map((e) => [e.from, e.to]),
    [[null, 'committed']],
  );
  assert.deepEqual(j.orders.commitIntent(intent()), a, 'same intent again: the journaled one');
  assert.throws(() => j.orders.commitIntent(intent({ quantity: 0.6 })), JournalConflictError);
  assert.throws(
    () => j.orders.commitIntent(intent({ cycle: 2 })),
    JournalNotFoundError,
    'the cycle must be started first',
  );
  assert.throws(() => j.orders.commitIntent(intent({ portfolioId: 'nope' })), JournalNotFoundError);
  assert.throws(
    () => j.orders.commitIntent(intent({ leg: 1, quantity: Number.NaN })),
    (e: unknown) => e instanceof JournalInputError && e.field === 'quantity',
  );
  assert.throws(
    () => j.orders.commitIntent(intent({ leg: 1, orderType: 'limit' })),
    (e: unknown) => e instanceof JournalInputError && e.field === 'limitPrice',
  );
  j.close();
});

test('protocol: committed → sent → open → partially_filled → filled, each step an event; fills idempotent per trade id', () => {
  const j = setup();
  const { clientOrderId: cid } = j.orders.commitIntent(intent({ orderType: 'limit', limitPrice: 39_990 }));
  j.orders.markSent(cid, T0 + 1);
  assert.throws(() => j.orders.markSent(cid, T0 + 2), IllegalTransitionError, 'a leg is never sent twice');
  j.orders.recordAck(
    cid,
    { clientOrderId: cid, venueOrderId: 'X1', status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] },
    T0 + 3,
  );
  const f1 = { tradeId: 't1', quantity: 0.2, price: 39_990, fee: 0.0002, feeAsset: 'BTC', time: T0 + 4 };
  assert.equal(j.orders.recordFill(cid, f1, T0 + 4).inserted, true);
  const again = j.orders.recordFill(cid, f1, T0 + 5);
  assert.equal(again.inserted, false);
  assert.equal(again.intent.filledQuantity, 0.2);
  assert.throws(
    () => j.orders.recordFill(cid, { ...f1, quantity: 0.3 }, T0 + 5),
    JournalConflictError,
    'same trade id, other numbers',
  );
  // A stale "open" report after a partial fill does not step back.
  assert.equal(
    j.orders.recordAck(
      cid,
      { clientOrderId: cid, status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] },
      T0 + 6,
    ).state,
    'partially_filled',
  );
  const done = j.orders.recordAck(
    cid,
    {
      clientOrderId: cid,
      venueOrderId: 'X1',
      status: 'filled',
      filledQuantity: 0.5,
      averagePrice: 39_990,
      fills: [f1, { ...f1, tradeId: 't2', quantity: 0.3 }],
    },
    T0 + 7,
  );
  assert.equal(done.state, 'filled');
  assert.equal(done.venueOrderId, 'X1');
  assert.equal(done.filledQuantity, 0.5);
  assert.equal(done.averagePrice, 39_990);
  assert.deepEqual(
    j.orders.fills(cid).map((f) => f.tradeId),
    ['t1', 't2'],
  );
  assert.deepEqual(
    j.orders.events(cid).map((e) => e.to),
    ['committed', 'sent', 'open', 'partially_filled', 'filled'],
  );
  assert.throws(
    () =>
      j.orders.recordAck(
        cid,
        { clientOrderId: cid, status: 'canceled', filledQuantity: 0.5, averagePrice: 39_990, fills: [] },
        T0 + 8,
      ),
    IllegalTransitionError,
  );
  assert.throws(() => j.db.prepare('DELETE FROM order_events').run(), /append-only/);
  assert.throws(() => j.db.prepare('UPDATE fills SET quantity = 1').run(), /append-only/);
  j.close();
});

test('unknown legs block the portfolio; unfinishedIntents lists what start-up must resolve', () => {
  const j = setup();
  j.portfolios.upsert({ id: 'other', config: {}, at: T0 });
  j.cycles.start('other', T0);
  const a = j.orders.commitIntent(intent({ leg: 0 }));
  const b = j.orders.commitIntent(intent({ leg: 1 }));
  const c = j.orders.commitIntent(intent({ leg: 2 }));
  const d = j.orders.commitIntent(intent({ portfolioId: 'other' }));
  assert.notEqual(a.clientOrderId, d.clientOrderId);
  j.orders.markSent(a.clientOrderId, T0);
  j.orders.markUnknown(a.clientOrderId, 'timeout', T0);
  j.orders.markSent(b.clientOrderId, T0);
  j.orders.markRejected(b.clientOrderId, 'insufficient balance', T0);
  assert.equal(j.orders.hasUnknownLegs('main'), true);
  assert.equal(j.orders.hasUnknownLegs('other'), false);
  assert.deepEqual(j.orders.countsByState('main'), { unknown: 1, rejected: 1, committed: 1 });
  assert.deepEqual(
    j.orders.unfinishedIntents().map((i) => i.clientOrderId),
    [a.clientOrderId, c.clientOrderId, d.clientOrderId],
  );
  assert.deepEqual(
    j.orders.unfinishedIntents('other').map((i) => i.clientOrderId),
    [d.clientOrderId],
  );
  j.orders.recordLookup(a.clientOrderId, T0 + 1, {
    clientOrderId: a.clientOrderId,
    status: 'not_found',
    filledQuantity: 0,
    averagePrice: 0,
    fills: [],
  });
  j.orders.recordLookup(a.clientOrderId, T0 + 2, { error: 'ECONNRESET' });
  assert.deepEqual(j.orders.notFoundTimes(a.clientOrderId), [T0 + 1]);
  assert.throws(
    () => j.orders.resolveIntent(b.clientOrderId, 'filled', { reason: 'x', at: T0 }),
    IllegalTransitionError,
    'rejected is final',
  );
  j.orders.resolveIntent(a.clientOrderId, 'not_placed', { reason: 'rule', at: T0 + 3 });
  assert.equal(j.orders.hasUnknownLegs('main'), false);
  assert.equal(j.orders.get(a.clientOrderId).reason, 'rule');
  j.close();
});

test('toOrderRequest carries exactly the journaled fields', () => {
  const j = setup();
  const i = j.orders.commitIntent(intent({ orderType: 'limit', limitPrice: 40_100, side: 'sell' }));
  assert.deepEqual(j.orders.toOrderRequest(i), {
    clientOrderId: i.clientOrderId,
    asset: 'BTC',
    quote: 'USDT',
    side: 'sell',
    quantity: 0.5,
    type: 'limit',
    limitPrice: 40_100,
    referencePrice: 40_000,
  });
  j.close();
});
