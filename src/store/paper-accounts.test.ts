import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { contract } from '../../test/support/stores.ts';
import type { OrderState } from '../core/ports.ts';
import { JournalConflictError, JournalInputError } from './errors.ts';
import { Journal } from './journal.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { openDatabase } from './open-database.ts';
import { T0 } from './testing/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-paper-accounts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const filled = (cid: string, quantity: number, price: number, fee: number): OrderState => ({
  clientOrderId: cid,
  venueOrderId: `paper-${cid}`,
  status: 'filled',
  filledQuantity: quantity,
  averagePrice: price,
  fills: [{ tradeId: `paper-${cid}-0`, quantity, price, fee, feeAsset: 'USDT', time: T0 }],
});

contract(
  'paper accounts: a fill moves balances and records its order and fills in one transaction',
  async (backend) => {
    const st = await backend.open();
    await st.paperAccounts.set('paper:main', { USDT: 1000 }, T0);
    const s = filled('c1', 0.01, 40_000, 0.4);
    assert.deepEqual(await st.paperAccounts.fill('paper:main', { BTC: 0.01, USDT: -400.4 }, s, T0), {
      BTC: 0.01,
      USDT: 599.6,
    });
    assert.deepEqual(await st.paperAccounts.order('paper:main', 'c1'), s);
    assert.equal(await st.paperAccounts.order('paper:other', 'c1'), undefined, 'orders belong to their account');
    // the same client order id again: refused whole
    await assert.rejects(
      async () => await st.paperAccounts.fill('paper:main', { BTC: 1 }, s, T0),
      JournalConflictError,
    );
    // more than the account holds: refused whole, no order row left behind
    await assert.rejects(
      async () => await st.paperAccounts.fill('paper:main', { BTC: 1, USDT: -40_000 }, filled('c2', 1, 40_000, 0), T0),
      JournalInputError,
    );
    assert.equal(await st.paperAccounts.order('paper:main', 'c2'), undefined);
    assert.deepEqual(await st.paperAccounts.get('paper:main'), { BTC: 0.01, USDT: 599.6 });
    await st.close();
  },
);

contract('paper accounts: each cash flow moves once, atomically with its id', async (backend) => {
  const st = await backend.open();
  await st.paperAccounts.set('paper:main', { USDT: 100 }, T0);
  assert.equal(await st.paperAccounts.lastFlowId('main'), 0);
  assert.deepEqual(await st.paperAccounts.applyFlow('paper:main', 'main', 1, { USDT: 50 }, T0), { USDT: 150 });
  await assert.rejects(
    async () => await st.paperAccounts.applyFlow('paper:main', 'main', 1, { USDT: 50 }, T0),
    JournalConflictError,
  );
  await assert.rejects(
    async () => await st.paperAccounts.applyFlow('paper:main', 'main', 2, { USDT: -500 }, T0),
    JournalInputError,
  );
  assert.equal(await st.paperAccounts.lastFlowId('main'), 1, 'a refused withdrawal records nothing');
  await st.close();
});

test('migration 4 carries paper orders and moved flows out of meta into their tables', () => {
  const path = join(dir, 'v3.db');
  const db = openDatabase(path);
  migrate(db, path, T0, MIGRATIONS.slice(0, 3));
  const s = filled('0123456789abcdef', 0.5, 3000, 1.5);
  const set = db.prepare('INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?)');
  set.run(`paper-order:paper:main:${s.clientOrderId}`, JSON.stringify(s), T0);
  set.run('paper-flows:main', '7', T0);
  set.run('journal_id', 'test', T0);
  db.close();
  const j = Journal.open(path);
  assert.deepEqual(
    j.migration.applied,
    MIGRATIONS.slice(3).map((m) => m.version),
    'migration 4 and any later',
  );
  assert.deepEqual(j.paperAccounts.order('paper:main', s.clientOrderId), s);
  assert.equal(j.paperAccounts.lastFlowId('main'), 7);
  assert.equal(j.meta.get(`paper-order:paper:main:${s.clientOrderId}`), undefined);
  assert.equal(j.meta.get('paper-flows:main'), undefined);
  j.close();
});
