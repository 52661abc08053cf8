import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Clock } from '../core/ports.ts';
import { IllegalTransitionError, UnknownLegsError } from '../store/errors.ts';
import { Journal } from '../store/journal.ts';
import { sqliteStore } from '../store/ports.ts';
import { intent, journalWithPortfolio, T0 } from '../store/testing/fixtures.ts';
import { MemoryVenue } from '../venues/memory/memory-venue.ts';
import { reconcileUnfinished, recoverOnStart } from './reconcile.ts';
import { sendIntent } from './send-intent.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-journal-rec-'));
after(() => rmSync(dir, { recursive: true, force: true }));

class ManualClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

function setup(path = ':memory:') {
  const j = journalWithPortfolio(path);
  j.cycles.start('main', T0);
  return { j, venue: new MemoryVenue(), clock: new ManualClock(T0) };
}

test('sendIntent: fill, reject and timeout outcomes; a sent leg is never sent again; an unknown leg blocks the portfolio', async () => {
  const { j, venue, clock } = setup();
  const ids = [0, 1, 2, 3].map((leg) => j.orders.commitIntent(intent({ leg })).clientOrderId);
  venue.script.push('fill', 'reject', 'timeout_after_accept');
  assert.equal((await sendIntent(sqliteStore(j).orders, venue, ids[0], clock)).state, 'filled');
  assert.equal((await sendIntent(sqliteStore(j).orders, venue, ids[1], clock)).state, 'rejected');
  const u = await sendIntent(sqliteStore(j).orders, venue, ids[2], clock);
  assert.equal(u.state, 'unknown');
  assert.match(u.reason ?? '', /outcome unknown/);
  await assert.rejects(sendIntent(sqliteStore(j).orders, venue, ids[0], clock), IllegalTransitionError);
  await assert.rejects(sendIntent(sqliteStore(j).orders, venue, ids[3], clock), UnknownLegsError);
  assert.equal(venue.creates.get(ids[3]), undefined, 'nothing sent while a leg is unknown');
  assert.deepEqual([...venue.creates.values()], [1, 1, 1], 'one create per client order id');
  j.close();
});

test('reconcile: found orders take the venue status; committed-only → not_placed; sent → unknown until the rule holds', async () => {
  const { j, venue, clock } = setup();
  const [filled, open, never, lost, flaky] = [0, 1, 2, 3, 4].map(
    (leg) => j.orders.commitIntent(intent({ leg })).clientOrderId,
  );
  // filled: sent, accepted, crash before the ack was journaled.
  j.orders.markSent(filled, T0);
  venue.seed(venue.filledState(j.orders.toOrderRequest(j.orders.get(filled))));
  // open: acknowledged resting order, then partially filled while we were down.
  j.orders.markSent(open, T0);
  j.orders.recordAck(open, { clientOrderId: open, status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] }, T0);
  venue.seed({
    clientOrderId: open,
    status: 'partially_filled',
    filledQuantity: 0.1,
    averagePrice: 40_000,
    fills: [{ tradeId: 'p1', quantity: 0.1, price: 40_000, fee: 0, feeAsset: 'USDT', time: T0 }],
  });
  // never: committed, crash before markSent. lost: sent, the request never arrived. flaky: lookups fail.
  j.orders.markSent(lost, T0);
  j.orders.markSent(flaky, T0);
  venue.failLookups = 0;
  const order: string[] = [];
  const origLookup = venue.lookup.bind(venue);
  venue.lookup = async (cid: string) => {
    order.push(cid);
    if (cid === flaky) throw new Error('ECONNRESET');
    return origLookup(cid);
  };

  clock.t = T0 + 1000;
  const r1 = await reconcileUnfinished(sqliteStore(j).orders, venue, { clock, recvWindowMs: 5000, concurrency: 1 });
  assert.deepEqual(order, [filled, open, never, lost, flaky], 'oldest first');
  assert.equal(j.orders.get(filled).state, 'filled');
  assert.equal(j.orders.fills(filled).length, 1);
  assert.equal(j.orders.get(open).state, 'partially_filled');
  assert.equal(j.orders.get(open).filledQuantity, 0.1);
  assert.equal(j.orders.get(never).state, 'not_placed');
  assert.equal(j.orders.get(lost).state, 'unknown');
  assert.equal(j.orders.get(flaky).state, 'unknown');
  assert.equal(r1.lookupErrors, 1);
  assert.equal(r1.stillUnknown, 2);
  assert.equal(r1.nextCheckAt, T0 + 1000 + 60_000);
  assert.equal(j.orders.hasUnknownLegs('main'), true);

  // Two more misses, 30 s apart: 3 lookups over 60 s → not placed. flaky's errors never count.
  for (const dt of [31_000, 61_000]) {
    clock.t = T0 + dt;
    await reconcileUnfinished(sqliteStore(j).orders, venue, { clock, recvWindowMs: 5000 });
  }
  assert.equal(j.orders.get(lost).state, 'not_placed');
  assert.match(j.orders.get(lost).reason ?? '', /3 lookups found nothing over 60 s/);
  assert.equal(j.orders.get(flaky).state, 'unknown');
  assert.equal(j.orders.lookups(flaky).filter((l) => l.result === 'error').length, 3);
  assert.equal(venue.creates.size, 0, 'reconciliation never sends');
  j.close();
});

test('recoverOnStart on a reopened file: reconciles first, closes the interrupted cycle', async () => {
  const path = join(dir, 'recover.db');
  const { j, venue, clock } = setup(path);
  const cid = j.orders.commitIntent(intent()).clientOrderId;
  j.orders.markSent(cid, T0);
  venue.seed(venue.filledState(j.orders.toOrderRequest(j.orders.get(cid))));
  j.close(); // "crash"
  const k = Journal.open(path);
  const report = await recoverOnStart(sqliteStore(k), venue, { clock });
  assert.equal(report.checked, 1);
  assert.equal(k.orders.get(cid).state, 'filled');
  assert.equal(k.cycles.get('main', 1).decision, 'interrupted');
  assert.match(k.meta.get('last_recovery') ?? '', /"checked":1/);
  k.close();
});

test('reconcile 1,000 open intents against an in-memory venue (figure printed)', async () => {
  const path = join(dir, 'thousand.db');
  const { j, venue, clock } = setup(path);
  j.transaction(() => {
    for (let leg = 0; leg < 1000; leg++) {
      const cid = j.orders.commitIntent(intent({ leg, orderType: 'limit', limitPrice: 39_000 })).clientOrderId;
      j.orders.markSent(cid, T0);
      j.orders.recordAck(
        cid,
        { clientOrderId: cid, status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] },
        T0,
      );
      const req = j.orders.toOrderRequest(j.orders.get(cid));
      venue.seed(
        leg % 2 === 0
          ? venue.filledState(req)
          : { clientOrderId: cid, status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] },
      );
    }
  });
  const t = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const r = await reconcileUnfinished(sqliteStore(j).orders, venue, { clock });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  console.log(
    `# reconcile 1,000 open intents (file journal, synchronous=FULL, in-memory venue): ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${(ms / 1000).toFixed(2)} ms per intent)`,
  );
  assert.equal(r.checked, 1000);
  assert.deepEqual(r.byState, { filled: 500, open: 500 });
  assert.equal(venue.lookupCalls, 1000);
  j.close();
});
