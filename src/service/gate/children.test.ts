/**
 * A crash between two child orders, at each step boundary of the second child (in-process: the hook throws,
 * the journal is closed and reopened, recovery runs against the simulator, which survived). Whatever the
 * point: the first child stays filled, the second is never sent twice, recovery brings it to the
 * exchange's state, and initial balances + journaled fills − fees = the simulator's balances exactly.
 * The real-process version (kill -9 of `ballast serve`) is test/service/child-orders-e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BallastError } from '../../core/errors.ts';
import { recoverOnStart } from '../../orders/index.ts';
import { Journal } from '../../store/journal.ts';
import { sqliteStore } from '../../store/ports.ts';
import { rig, wallClock } from '../../venues/ccxt/test-helpers.ts';
import { checkInvariants } from '../trials/invariants.ts';
import { TRIAL_BALANCES, trialSimOptions } from '../trials/setup.ts';
import { executeChildren } from './children.ts';
import type { ServiceCrashPoint } from './send-orders.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-children-points-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const POINTS: readonly ServiceCrashPoint[] = [
  'after_intent_committed',
  'after_sent_journaled',
  'after_venue_answer',
  'after_outcome_journaled',
];
/** What recovery finds for the second child, by the point its process died at. */
const EXPECTED: Record<string, string> = {
  after_intent_committed: 'not_placed', // committed, never sent: not found → not placed
  after_sent_journaled: 'unknown', // sent journaled, request never left: unknown until the not-placed rule
  after_venue_answer: 'filled', // executed at the exchange, answer lost: found by lookup
  after_outcome_journaled: 'filled',
};

for (const point of POINTS) {
  test(`crash at ${point} of the second child: nothing sent twice, the journal ends in the exchange's state`, async () => {
    const r = await rig(trialSimOptions());
    const path = join(dir, `${point}.db`);
    try {
      let j = Journal.open(path, { journalId: 'children', now: 0 });
      let store = sqliteStore(j);
      await store.portfolios.upsert({ id: 'p', config: {}, at: 0 });
      const { cycle } = await store.cycles.start('p', 0);
      const second = await store.orders.clientOrderIdFor('p', cycle, 0, 1);
      await assert.rejects(
        executeChildren({
          journal: store,
          venue: r.venue,
          trade: {
            portfolioId: 'p',
            cycle,
            leg: 0,
            asset: 'BTC',
            quote: 'USDT',
            side: 'buy',
            quantity: 0.02,
            referencePrice: 60_000,
          },
          settings: { orderType: 'market', maxChunkNotional: 500 },
          clock: wallClock,
          crashHook: (p, id) => {
            if (p === point && id === second) throw new BallastError(`crash at ${p}`);
          },
        }),
        /crash at/,
      );
      j.close();
      j = Journal.open(path, { journalId: 'children', now: 0 });
      store = sqliteStore(j);
      await recoverOnStart(store, r.venue, { clock: wallClock });
      const first = await store.orders.get(await store.orders.clientOrderIdFor('p', cycle, 0, 0));
      assert.equal(first.state, 'filled');
      assert.equal((await store.orders.get(second)).state, EXPECTED[point]);
      assert.equal(await store.orders.find(await store.orders.clientOrderIdFor('p', cycle, 0, 2)), undefined);
      j.close();
      assert.ok(r.sim.createRequests(second).length <= 1);
      assert.deepEqual(checkInvariants(r.sim, path, TRIAL_BALANCES).violations, []);
    } finally {
      await r.stop();
    }
  });
}
