/**
 * Property: whatever sequence of protocol calls a buggy caller or an out-of-order venue makes, the journal
 * stays consistent — every call either succeeds or throws a JournalError and writes nothing; an intent's
 * state is always its last event; events chain; terminal states never change; fills are never duplicated.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isTerminal } from '../core/orders/order-states.ts';
import type { OrderState, OrderStatus } from '../core/ports.ts';
import { JournalError } from './errors.ts';
import { intent, journalWithPortfolio, T0 } from './testing/fixtures.ts';

type Op =
  | { kind: 'sent' }
  | { kind: 'ack'; status: Exclude<OrderStatus, 'not_found'>; fills: number[] }
  | { kind: 'fill'; trade: number; quantity: number }
  | { kind: 'unknown' }
  | { kind: 'rejected' }
  | { kind: 'lookup'; found: boolean }
  | { kind: 'resolve'; outcome: 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'not_placed' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'sent' }),
  fc.record({
    kind: fc.constant('ack' as const),
    status: fc.constantFrom('open', 'partially_filled', 'filled', 'canceled', 'rejected') as fc.Arbitrary<
      Exclude<OrderStatus, 'not_found'>
    >,
    fills: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('fill' as const),
    trade: fc.integer({ min: 1, max: 4 }),
    quantity: fc.constantFrom(0.1, 0.2),
  }),
  fc.constant<Op>({ kind: 'unknown' }),
  fc.constant<Op>({ kind: 'rejected' }),
  fc.record({ kind: fc.constant('lookup' as const), found: fc.boolean() }),
  fc.record({
    kind: fc.constantFrom('resolve' as const),
    outcome: fc.constantFrom(
      'open',
      'partially_filled',
      'filled',
      'canceled',
      'rejected',
      'not_placed',
    ) as fc.Arbitrary<'open'>,
  }),
);

test('order protocol (property): any call sequence leaves a consistent journal; refused calls write nothing', () => {
  fc.assert(
    fc.property(fc.array(opArb, { maxLength: 14 }), (ops) => {
      const j = journalWithPortfolio();
      j.cycles.start('main', T0);
      const cid = j.orders.commitIntent(intent()).clientOrderId;
      const fill = (trade: number, quantity = 0.1) => ({
        tradeId: `t${trade}`,
        quantity,
        price: 40_000,
        fee: 0,
        feeAsset: 'USDT',
        time: T0,
      });
      const snapshot = () =>
        JSON.stringify([j.orders.get(cid), j.orders.events(cid), j.orders.fills(cid), j.orders.lookups(cid)]);
      let at = T0;
      for (const op of ops) {
        at += 1000;
        const before = snapshot();
        const wasTerminal = isTerminal(j.orders.get(cid).state);
        const prevState = j.orders.get(cid).state;
        try {
          if (op.kind === 'sent') j.orders.markSent(cid, at);
          else if (op.kind === 'ack') {
            const st: OrderState = {
              clientOrderId: cid,
              status: op.status,
              filledQuantity: 0,
              averagePrice: 0,
              fills: op.fills.map((t) => fill(t)),
            };
            j.orders.recordAck(cid, st, at);
          } else if (op.kind === 'fill') j.orders.recordFill(cid, fill(op.trade, op.quantity), at);
          else if (op.kind === 'unknown') j.orders.markUnknown(cid, 'timeout', at);
          else if (op.kind === 'rejected') j.orders.markRejected(cid, 'refused', at);
          else if (op.kind === 'lookup')
            j.orders.recordLookup(cid, at, {
              clientOrderId: cid,
              status: op.found ? 'open' : 'not_found',
              filledQuantity: 0,
              averagePrice: 0,
              fills: [],
            });
          else j.orders.resolveIntent(cid, op.outcome, { reason: 'r', at });
        } catch (e) {
          assert.ok(e instanceof JournalError, `unexpected ${String(e)}`);
          assert.equal(snapshot(), before, `refused ${op.kind} wrote nothing`);
        }
        const now = j.orders.get(cid);
        if (wasTerminal) assert.equal(now.state, prevState, 'terminal states never change');
        const ev = j.orders.events(cid);
        assert.equal(ev[0].to, 'committed');
        for (let k = 1; k < ev.length; k++) assert.equal(ev[k].from, ev[k - 1].to);
        assert.equal(ev[ev.length - 1].to, now.state);
        const fills = j.orders.fills(cid);
        assert.equal(new Set(fills.map((f) => f.tradeId)).size, fills.length);
        const sum = fills.reduce((a, f) => a + f.quantity, 0);
        assert.ok(Math.abs(now.filledQuantity - sum) < 1e-12);
        if (now.state === 'committed') assert.equal(ev.length, 1);
      }
      j.close();
    }),
    { numRuns: 100 },
  );
});
