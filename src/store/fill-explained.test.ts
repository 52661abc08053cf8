/**
 * Issue #25 item 2 on both backends: a fill's batch auction explanation (asset matched inside the settlement
 * vs routed) is journaled with the fill and read back by the order's and the portfolio's fill listings; a
 * fill without one (every other venue, every fill before the migration) reads back without it; a non-finite
 * explanation is refused naming the field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Backend, contract } from '../../test/support/stores.ts';
import { JournalInputError } from './errors.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { openDatabase } from './open-database.ts';
import { intent, T0 } from './testing/fixtures.ts';

async function setup(backend: Backend) {
  const st = await backend.open();
  await st.cycles.start('main', T0);
  return st;
}

contract('fills: a batch auction fill keeps its explanation (matched vs routed); others have none', async (backend) => {
  const st = await setup(backend);
  const { clientOrderId: cid } = await st.orders.commitIntent(intent({ orderType: 'limit', limitPrice: 39_990 }));
  await st.orders.markSent(cid, T0 + 1);
  const plain = { tradeId: 't1', quantity: 0.2, price: 39_990, fee: 0, feeAsset: 'BTC', time: T0 + 2 };
  const cow = { ...plain, tradeId: 't2', quantity: 0.3, explanation: { matched: 0.25, routed: 0.05 } };
  await st.orders.recordFill(cid, plain, T0 + 2);
  await st.orders.recordFill(cid, cow, T0 + 3);
  const fills = await st.orders.fills(cid);
  assert.equal(fills.length, 2);
  assert.equal(fills[0]!.matched, undefined);
  assert.equal(fills[0]!.routed, undefined);
  assert.equal(fills[1]!.matched, 0.25);
  assert.equal(fills[1]!.routed, 0.05);
  const all = await st.orders.portfolioFills(intent().portfolioId);
  assert.deepEqual(
    all.map((f) => [f.tradeId, f.matched, f.routed]),
    [
      ['t1', undefined, undefined],
      ['t2', 0.25, 0.05],
    ],
  );
  const [listed] = await st.orders.list(intent().portfolioId);
  assert.deepEqual([listed?.matched, listed?.routed], [0.25, 0.05], 'the order listing sums its fills’ explanations');
  await assert.rejects(
    async () =>
      await st.orders.recordFill(cid, { ...cow, tradeId: 't3', explanation: { matched: Number.NaN, routed: 0 } }, T0),
    (e: unknown) => e instanceof JournalInputError && e.field === 'fill.explanation.matched',
  );
  await st.close();
});

test('migration 5 on a journal from before it adds the two nullable columns', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'ballast-fill-explained-'));
  try {
    const path = join(dir, 'old.db');
    const db = openDatabase(path);
    migrate(db, path, 0, MIGRATIONS.slice(0, 4));
    const cols = () => (db.prepare('PRAGMA table_info(fills)').all() as { name: string }[]).map((c) => c.name);
    assert.ok(!cols().includes('matched'));
    assert.deepEqual(migrate(db, path, 0, MIGRATIONS.slice(0, 5)).applied, [5]);
    assert.ok(cols().includes('matched') && cols().includes('routed'));
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
