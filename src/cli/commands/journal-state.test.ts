import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { holdOf } from '../../core/cycle-decision.ts';
import { pausedSidecarPath } from '../../service/runner/write-failure.ts';
import { intent, journalWithPortfolio, T0 } from '../../store/testing/fixtures.ts';
import { journalState } from './journal-state.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-jstate-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('journalState: a pause in the journal or only in the disk-failure sidecar holds; none does not', () => {
  const path = join(dir, 'a.db');
  const j = journalWithPortfolio(path);
  try {
    assert.equal(holdOf(journalState(j, 'main')), null);
    writeFileSync(pausedSidecarPath(path), JSON.stringify({ main: 'disk full at cycle 4' }));
    assert.deepEqual(holdOf(journalState(j, 'main')), { code: 'paused', reason: 'paused: disk full at cycle 4' });
    j.meta.set('paused:main', 'kill switch: 3 consecutive failed cycles', T0);
    assert.equal(journalState(j, 'main').pauseReason, 'kill switch: 3 consecutive failed cycles', 'the journal first');
    assert.equal(journalState(j, 'other').paused, false);
  } finally {
    j.close();
  }
});

test('journalState: an order resting at the venue, then one of unknown outcome, hold the portfolio', () => {
  const j = journalWithPortfolio(join(dir, 'b.db'));
  try {
    j.cycles.start('main', T0);
    const a = j.orders.commitIntent(intent({ leg: 0 }));
    j.orders.markSent(a.clientOrderId, T0);
    j.orders.recordAck(
      a.clientOrderId,
      { clientOrderId: a.clientOrderId, status: 'open', filledQuantity: 0, averagePrice: 0, fills: [] },
      T0,
    );
    assert.deepEqual(holdOf(journalState(j, 'main'))?.code, 'resting');
    assert.match(holdOf(journalState(j, 'main'))!.reason, new RegExp(`${a.clientOrderId} open`));
    const b = j.orders.commitIntent(intent({ leg: 1 }));
    j.orders.markSent(b.clientOrderId, T0);
    j.orders.markUnknown(b.clientOrderId, 'timeout', T0);
    assert.equal(holdOf(journalState(j, 'main'))?.code, 'unknown_leg');
  } finally {
    j.close();
  }
});
