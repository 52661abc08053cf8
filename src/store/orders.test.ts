import assert from 'node:assert/strict';
import { type Backend, contract } from '../../test/support/stores.ts';
import { clientOrderId } from '../core/orders/client-order-id.ts';
import { IllegalTransitionError, JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import { intent, T0 } from './testing/fixtures.ts';

async function setup(backend: Backend) {
  const st = await backend.open();
  await st.cycles.start('main', T0);
  return st;
}

contract(
  'commitIntent: deterministic id from the journal namespace; committed with its creation event; idempotent',
  async (backend) => {
    const st = await setup(backend);
    const a = await st.orders.commitIntent(intent());
    assert.equal(a.clientOrderId, clientOrderId('main', 1, 0, 0, 'test'));
    assert.equal(a.state, 'committed');
    assert.deepEqual(
      (await st.orders.events(a.clientOrderId)).map((e) => [e.from, e.to]),
      [[null, 'committed']],
    );
    assert.deepEqual(await st.orders.commitIntent(intent()), a, 'same intent again: the journaled one');
    await assert.rejects(async () => await st.orders.commitIntent(intent({ quantity: 0.6 })), JournalConflictError);
    await assert.rejects(
      async () => await st.orders.commitIntent(intent({ cycle: 2 })),
      JournalNotFoundError,
      'the cycle must be started first',
    );
    await assert.rejects(
      async () => await st.orders.commitIntent(intent({ portfolioId: 'nope' })),
      JournalNotFoundError,
    );
    await assert.rejects(
      async () => await st.orders.commitIntent(intent({ leg: 1, quantity: Number.NaN })),
      (e: unknown) => e instanceof JournalInputError && e.field === 'quantity',
    );
    await assert.rejects(
      async () => await st.orders.commitIntent(intent({ leg: 1, orderType: 'limit' })),
      (e: unknown) => e instanceof JournalInputError && e.field === 'limitPrice',
    );
    await st.close();
  },
);

contract(
  'protocol: committed → sent → open → partially_filled → filled, each step an event; fills idempotent per trade id',
  async (backend) => {
    const st = await setup(backend);
    const { clientOrderId: cid } = await st.orders.commitIntent(intent({ orderType: 'limit', limitPrice: 39_990 }));
    await st.orders.markSent(cid, T0 + 1);
    await assert.rejects(
      async () => await st.orders.markSent(cid, T0 + 2),
      IllegalTransitionError,
      'a leg is never sent twice',
    );
    await st.orders.recordAck(
      cid,
      { clientOrderId: cid, venueOrderId: 'X1', status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] },
      T0 + 3,
    );
    const f1 = { tradeId: 't1', quantity: 0.2, price: 39_990, fee: 0.0002, feeAsset: 'BTC', time: T0 + 4 };
    assert.equal((await st.orders.recordFill(cid, f1, T0 + 4)).inserted, true);
    const again = await st.orders.recordFill(cid, f1, T0 + 5);
    assert.equal(again.inserted, false);
    assert.equal(again.intent.filledQuantity, 0.2);
    await assert.rejects(
      async () => await st.orders.recordFill(cid, { ...f1, quantity: 0.3 }, T0 + 5),
      JournalConflictError,
      'same trade id, other numbers',
    );
    // A stale "open" report after a partial fill does not step back.
    assert.equal(
      (
        await st.orders.recordAck(
          cid,
          { clientOrderId: cid, status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] },
          T0 + 6,
        )
      ).state,
      'partially_filled',
    );
    const done = await st.orders.recordAck(
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
      (await st.orders.fills(cid)).map((f) => f.tradeId),
      ['t1', 't2'],
    );
    assert.deepEqual(
      (await st.orders.events(cid)).map((e) => e.to),
      ['committed', 'sent', 'open', 'partially_filled', 'filled'],
    );
    await assert.rejects(
      async () =>
        await st.orders.recordAck(
          cid,
          { clientOrderId: cid, status: 'canceled', filledQuantity: 0.5, averagePrice: 39_990, fills: [] },
          T0 + 8,
        ),
      IllegalTransitionError,
    );
    await assert.rejects(async () => await st.raw('DELETE FROM order_events'), /append-only/);
    await assert.rejects(async () => await st.raw('UPDATE fills SET quantity = 1'), /append-only/);
    await st.close();
  },
);

contract('unknown legs block the portfolio; unfinishedIntents lists what start-up must resolve', async (backend) => {
  const st = await setup(backend);
  await st.portfolios.upsert({ id: 'other', config: {}, at: T0 });
  await st.cycles.start('other', T0);
  const a = await st.orders.commitIntent(intent({ leg: 0 }));
  const b = await st.orders.commitIntent(intent({ leg: 1 }));
  const c = await st.orders.commitIntent(intent({ leg: 2 }));
  const d = await st.orders.commitIntent(intent({ portfolioId: 'other' }));
  assert.notEqual(a.clientOrderId, d.clientOrderId);
  await st.orders.markSent(a.clientOrderId, T0);
  await st.orders.markUnknown(a.clientOrderId, 'timeout', T0);
  await st.orders.markSent(b.clientOrderId, T0);
  await st.orders.markRejected(b.clientOrderId, 'insufficient balance', T0);
  assert.equal(await st.orders.hasUnknownLegs('main'), true);
  assert.equal(await st.orders.hasUnknownLegs('other'), false);
  assert.deepEqual(await st.orders.countsByState('main'), { unknown: 1, rejected: 1, committed: 1 });
  assert.deepEqual(
    (await st.orders.unfinishedIntents()).map((i) => i.clientOrderId),
    [a.clientOrderId, c.clientOrderId, d.clientOrderId],
  );
  assert.deepEqual(
    (await st.orders.unfinishedIntents('other')).map((i) => i.clientOrderId),
    [d.clientOrderId],
  );
  await st.orders.recordLookup(a.clientOrderId, T0 + 1, {
    clientOrderId: a.clientOrderId,
    status: 'not_found',
    filledQuantity: 0,
    averagePrice: 0,
    fills: [],
  });
  await st.orders.recordLookup(a.clientOrderId, T0 + 2, { error: 'ECONNRESET' });
  assert.deepEqual(await st.orders.notFoundTimes(a.clientOrderId), [T0 + 1]);
  await assert.rejects(
    async () => await st.orders.resolveIntent(b.clientOrderId, 'filled', { reason: 'x', at: T0 }),
    IllegalTransitionError,
    'rejected is final',
  );
  await st.orders.resolveIntent(a.clientOrderId, 'not_placed', { reason: 'rule', at: T0 + 3 });
  assert.equal(await st.orders.hasUnknownLegs('main'), false);
  assert.equal((await st.orders.get(a.clientOrderId)).reason, 'rule');
  await st.close();
});

contract('toOrderRequest carries exactly the journaled fields', async (backend) => {
  const st = await setup(backend);
  const i = await st.orders.commitIntent(intent({ orderType: 'limit', limitPrice: 40_100, side: 'sell' }));
  assert.deepEqual(await st.orders.toOrderRequest(i), {
    clientOrderId: i.clientOrderId,
    asset: 'BTC',
    quote: 'USDT',
    side: 'sell',
    quantity: 0.5,
    type: 'limit',
    limitPrice: 40_100,
    referencePrice: 40_000,
  });
  await st.close();
});
