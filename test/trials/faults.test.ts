/**
 * The fault matrix (#6 §4) and the unknown-order rule (#6 §3): a live service on the simulator, one fault
 * each; the outcome shows no duplicate create, no lost fill (invariants after a final restart) and a clear
 * reason in the journal's order events or cycle records.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Harness, harness } from './harness.ts';

const STEP = 61_000;

async function cycle(h: Harness, dt = STEP) {
  h.clock.t += dt;
  return h.svc.runCycle('p1');
}

function creates(h: Harness, cid: string): number {
  return h.sim.createRequests(cid).length;
}

async function scenario(name: string, body: (h: Harness) => Promise<void>, o: { timeoutMs?: number } = {}) {
  test(name, { timeout: 120_000 }, async () => {
    const h = await harness(o);
    try {
      await body(h);
      const inv = await h.finish();
      assert.deepEqual(inv.violations, []);
      for (const c of h.sim.createRequests())
        assert.equal(creates(h, c.clientOrderId!), 1, `duplicate create ${c.clientOrderId}`);
    } finally {
      await h.close();
    }
  });
}

scenario(
  'HTTP 429 on a create: rejected "rate limited, not placed", never re-sent; the next cycle re-plans',
  async (h) => {
    h.sim.faults.status(429);
    const ev = await cycle(h);
    const [first] = h.svc.journal.orders.list('p1', { cycle: ev.cycle }).sort((a, b) => a.id - b.id);
    assert.equal(first!.state, 'rejected');
    assert.match(first!.reason ?? '', /rate limited, not placed/);
    assert.equal(creates(h, first!.clientOrderId), 1);
    const skipped = h.svc.journal.cycles.skipped('p1', ev.cycle);
    assert.ok(skipped.some((s) => s.code === 'rejected' && /rate limited/.test(s.reason)));
    const next = await cycle(h);
    assert.ok(next.ordersFilled > 0, 'the next cycle trades from fresh balances');
  },
);

scenario('HTTP 502 after the order executed: unknown, resolved by lookup as filled, not re-sent', async (h) => {
  h.sim.faults.status(502, { execute: true });
  const ev = await cycle(h);
  const [first] = h.svc.journal.orders.list('p1', { cycle: ev.cycle }).sort((a, b) => a.id - b.id);
  assert.equal(first!.state, 'unknown');
  assert.match(first!.reason ?? '', /send outcome unknown/);
  const next = await cycle(h);
  const after = h.svc.journal.orders.get(first!.clientOrderId);
  assert.equal(after.state, 'filled');
  assert.ok(after.filledQuantity > 0);
  assert.ok(h.events(first!.clientOrderId).some((e) => e.to_state === 'filled' && /reconciled/.test(e.reason ?? '')));
  assert.equal(creates(h, first!.clientOrderId), 1);
  assert.notEqual(next.decision, 'skipped');
});

scenario(
  'timeout after the exchange accepted: unknown, found filled by client order id on the next cycle',
  async (h) => {
    h.sim.faults.timeoutAfterAccept();
    const ev = await cycle(h);
    const [first] = h.svc.journal.orders.list('p1', { cycle: ev.cycle }).sort((a, b) => a.id - b.id);
    assert.equal(first!.state, 'unknown');
    assert.match(first!.reason ?? '', /unknown/i);
    assert.equal(ev.ordersSent, 1, 'no further leg is sent while one is unknown');
    await cycle(h);
    assert.equal(h.svc.journal.orders.get(first!.clientOrderId).state, 'filled');
    assert.equal(creates(h, first!.clientOrderId), 1);
  },
  { timeoutMs: 800 },
);

scenario(
  'partial fill (market rest expired): canceled with its fill recorded and the reason; rest re-planned',
  async (h) => {
    h.sim.faults.partialFill(0.5);
    const ev = await cycle(h);
    const [first] = h.svc.journal.orders.list('p1', { cycle: ev.cycle }).sort((a, b) => a.id - b.id);
    assert.equal(first!.state, 'canceled');
    assert.ok(first!.filledQuantity > 0 && first!.filledQuantity < first!.quantity);
    assert.ok(h.events(first!.clientOrderId).some((e) => /partial/.test(e.reason ?? '') || e.to_state === 'canceled'));
    assert.equal(h.svc.journal.orders.fills(first!.clientOrderId).length, 1);
    const next = await cycle(h);
    assert.ok(next.ordersFilled > 0);
  },
);

scenario("delayed fill: acknowledged open, the fill is journaled by the next cycle's reconciliation", async (h) => {
  h.sim.faults.delayedFill();
  const ev = await cycle(h);
  const [first] = h.svc.journal.orders.list('p1', { cycle: ev.cycle }).sort((a, b) => a.id - b.id);
  assert.equal(first!.state, 'open');
  assert.equal(h.sim.release(), 1);
  await cycle(h);
  const after = h.svc.journal.orders.get(first!.clientOrderId);
  assert.equal(after.state, 'filled');
  assert.equal(h.svc.journal.orders.fills(first!.clientOrderId).length, 1);
});

scenario(
  'clock skew beyond recvWindow: the cycle fails with the reason, nothing is sent; fixed clock trades',
  async (h) => {
    h.sim.faults.setClockSkew(-120_000);
    const ev = await cycle(h);
    assert.equal(ev.decision, 'failed');
    const rec = h.svc.journal.cycles.get('p1', ev.cycle);
    assert.match(rec.reason ?? '', /recvWindow|timestamp|clock|1021/i);
    assert.equal(h.sim.createRequests().length, 0);
    h.sim.faults.setClockSkew(0);
    const next = await cycle(h);
    assert.ok(next.ordersFilled > 0);
  },
);

scenario(
  'unknown-order rule: a create that timed out before acceptance becomes not-placed after 3 misses over 60 s, never re-sent',
  async (h) => {
    h.sim.faults.timeoutBeforeAccept();
    const ev = await cycle(h);
    const [first] = h.svc.journal.orders.list('p1', { cycle: ev.cycle }).sort((a, b) => a.id - b.id);
    const cid = first!.clientOrderId;
    assert.equal(first!.state, 'unknown');
    const c2 = await cycle(h, 1_000); // miss 1
    assert.equal(c2.decision, 'skipped');
    assert.match(c2.reason, /unknown outcome.*not found \(1 lookup/);
    const c3 = await cycle(h, 30_000); // miss 2, 30 s after the first
    assert.equal(c3.decision, 'skipped');
    assert.equal(h.svc.journal.orders.get(cid).state, 'unknown');
    const c4 = await cycle(h, 30_000); // miss 3, 60 s after the first: not placed; the cycle re-plans and trades
    const after = h.svc.journal.orders.get(cid);
    assert.equal(after.state, 'not_placed');
    assert.match(h.events(cid).at(-1)!.reason ?? '', /not placed: 3 lookups found nothing over 60 s/);
    assert.equal(h.svc.journal.orders.notFoundTimes(cid).length, 3);
    assert.equal(creates(h, cid), 1, 'the leg was never re-sent');
    assert.ok(c4.ordersFilled > 0, 'the cycle that resolved it re-planned from fresh balances and traded');
    assert.ok(h.svc.journal.orders.list('p1', { cycle: c4.cycle }).every((i) => i.clientOrderId !== cid));
  },
  { timeoutMs: 800 },
);
