/**
 * Each named crash point, simulated in-process: the hook throws at the point (nothing after it runs),
 * the journal file is closed and reopened, recovery runs against the venue (which, like a real exchange,
 * survived). Whatever the point: at most one create per client order id, and the journal ends in the
 * venue's state. The real-process version (SIGKILL) is crash.test.ts; #6's trials use the same hooks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CRASH_POINTS, type CrashHook, type CrashPoint } from '../core/orders/crash-points.ts';
import { Journal } from '../store/journal.ts';
import { sqliteStore } from '../store/ports.ts';
import { intent, journalWithPortfolio, T0 } from '../store/testing/fixtures.ts';
import { MemoryVenue } from '../venues/memory/memory-venue.ts';
import { recoverOnStart } from './reconcile.ts';
import { sendIntent } from './send-intent.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-journal-points-'));
after(() => rmSync(dir, { recursive: true, force: true }));

class Crash extends Error {}
const crashAt =
  (point: CrashPoint): CrashHook =>
  (p) => {
    if (p === point) throw new Crash(point);
  };

for (const point of CRASH_POINTS.filter((p) => !p.startsWith('reconcile'))) {
  test(`crash point ${point}: recovery ends in the venue's state, one create at most`, async () => {
    const path = join(dir, `${point}.db`);
    const venue = new MemoryVenue();
    let t = T0;
    const clock = { now: () => ++t };
    const j = journalWithPortfolio(path);
    j.cycles.start('main', T0);
    const cid = j.orders.commitIntent(intent()).clientOrderId;
    await assert.rejects(sendIntent(sqliteStore(j).orders, venue, cid, clock, crashAt(point)), Crash);
    j.close();

    const k = Journal.open(path);
    for (const dt of [0, 30_000, 61_000]) {
      t += dt;
      await recoverOnStart(sqliteStore(k), venue, { clock });
    }
    const state = k.orders.get(cid).state;
    assert.ok((venue.creates.get(cid) ?? 0) <= 1);
    if (venue.orders.has(cid)) {
      assert.equal(state, 'filled');
      assert.equal(k.orders.fills(cid).length, 1);
    } else {
      assert.equal(point, 'after_sent_journaled');
      assert.equal(state, 'not_placed', 'never reached the venue: not placed after the rule');
    }
    assert.equal(k.cycles.get('main', 1).decision, 'interrupted');
    k.close();
  });
}

for (const point of ['reconcile_after_lookup', 'reconcile_after_commit'] as const) {
  test(`crash point ${point}: a second reconciliation completes it, fills recorded once`, async () => {
    const path = join(dir, `${point}.db`);
    const venue = new MemoryVenue();
    const clock = { now: () => T0 };
    const j = journalWithPortfolio(path);
    j.cycles.start('main', T0);
    const ids: string[] = [];
    for (let leg = 0; leg < 5; leg++) {
      const cid = j.orders.commitIntent(intent({ leg })).clientOrderId;
      j.orders.markSent(cid, T0);
      venue.seed(venue.filledState(j.orders.toOrderRequest(j.orders.get(cid))));
      ids.push(cid);
    }
    let seen = 0;
    const hook: CrashHook = (p) => {
      // after_lookup: the 3rd lookup (the first batch of 2 is committed, the 3rd result is lost);
      // after_commit: the 2nd commit (4 results committed).
      if (p === point && ++seen === (point === 'reconcile_after_lookup' ? 3 : 2)) throw new Crash(p);
    };
    await assert.rejects(recoverOnStart(sqliteStore(j), venue, { clock, batchSize: 2, concurrency: 1, hook }), Crash);
    j.close();
    const k = Journal.open(path);
    const done = ids.filter((c) => k.orders.get(c).state === 'filled').length;
    assert.equal(done, point === 'reconcile_after_commit' ? 4 : 2, 'what was committed before the crash stayed');
    await recoverOnStart(sqliteStore(k), venue, { clock });
    for (const c of ids) {
      assert.equal(k.orders.get(c).state, 'filled');
      assert.equal(k.orders.fills(c).length, 1);
    }
    assert.deepEqual(k.check(), []);
    k.close();
  });
}
