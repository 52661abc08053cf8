import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDatabase, pgSkip } from '../../../test/support/postgres.ts';
import { ClaimLostError } from '../claims.ts';
import { JournalConflictError, JournalError, JournalInputError, JournalTooNewError } from '../errors.ts';
import { intent, T0 } from '../testing/fixtures.ts';
import { PG_MIGRATIONS } from './migrations.ts';
import { openPostgresStore, type PostgresStore } from './store.ts';
import { checkPostgresUrl, redactUrl } from './url.ts';

const skip = pgSkip;

async function two(): Promise<[PostgresStore, PostgresStore]> {
  const url = await freshDatabase();
  // Two stores on one database stand for two worker processes: separate pools, no shared memory.
  const [a, b] = await Promise.all([
    openPostgresStore(url, { journalId: 'test', now: T0, poolSize: 8 }),
    openPostgresStore(url, { journalId: 'test', now: T0, poolSize: 8 }),
  ]);
  await a.portfolios.upsert({ id: 'main', config: {}, at: T0 });
  return [a, b];
}

test('redactUrl hides the password of every PostgreSQL URL in a text; checkPostgresUrl names the field', () => {
  assert.equal(
    redactUrl('connect postgres://ops:s3cr%40t@db:5432/ballast failed; postgresql://u:p@h/d'),
    'connect postgres://ops:***@db:5432/ballast failed; postgresql://u:***@h/d',
  );
  assert.equal(redactUrl('postgres://ops@db/ballast'), 'postgres://ops@db/ballast');
  for (const bad of ['postgres://', 'postgres://u:pw@/db', 'postgres://u:pw@host', 'mysql://u:pw@h/d']) {
    assert.throws(
      () => checkPostgresUrl(bad),
      (e: unknown) => e instanceof JournalInputError && e.field === '--store' && !/pw/.test(e.message),
      bad,
    );
  }
});

test('an unreachable server: one JournalError line, without the password', { skip }, async () => {
  await assert.rejects(
    openPostgresStore('postgres://ops:hunter2@127.0.0.1:1/ballast', { connectTimeoutMs: 2000 }),
    (e: unknown) =>
      e instanceof JournalError &&
      /cannot connect/.test(e.message) &&
      !e.message.includes('hunter2') &&
      !e.message.includes('\n'),
  );
});

test('migrations run once however many processes start together; a newer database is refused; the id is fixed', {
  skip,
}, async () => {
  const url = await freshDatabase();
  const stores = await Promise.all(
    [1, 2, 3, 4].map(() => openPostgresStore(url, { journalId: 'test', now: T0, poolSize: 2 })),
  );
  assert.deepEqual(
    stores.flatMap((s) => s.migration.applied),
    PG_MIGRATIONS.map((m) => m.version),
    'exactly one of them applied each migration',
  );
  assert.deepEqual(
    stores.map((s) => s.id),
    ['test', 'test', 'test', 'test'],
  );
  await assert.rejects(openPostgresStore(url, { journalId: 'other' }), JournalConflictError);
  await stores[0]!.sql.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
  await assert.rejects(openPostgresStore(url), JournalTooNewError);
  await Promise.all(stores.map((s) => s.close()));
});

test('two processes at once: cycle numbers never repeat, one claim wins, one intent per leg', { skip }, async () => {
  const [a, b] = await two();
  const cycles = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).cycles.start('main', T0 + i)),
  );
  assert.deepEqual(
    cycles.map((c) => c.cycle).sort((x, y) => x - y),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  const claims = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) =>
      (i % 2 === 0 ? a : b).claims.claim({ portfolioId: 'main', source: 'cycle', at: T0 }),
    ),
  );
  assert.equal(claims.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of claims) if (r.status === 'rejected') assert.ok(r.reason instanceof ClaimLostError);
  const intents = await Promise.all(
    Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).orders.commitIntent(intent())),
  );
  assert.equal(new Set(intents.map((i) => i.id)).size, 1, 'the same leg committed ten times is one intent');
  const sent = await Promise.allSettled([
    a.orders.markSent(intents[0].clientOrderId, T0),
    b.orders.markSent(intents[0].clientOrderId, T0),
  ]);
  assert.deepEqual(
    sent.map((r) => r.status).sort(),
    ['fulfilled', 'rejected'],
    'a leg is marked sent once, whichever process asks',
  );
  await a.close();
  await b.close();
});

test('recordLookups: an item the state machine refuses rolls back alone', { skip }, async () => {
  const [a, b] = await two();
  await a.cycles.start('main', T0);
  const x = await a.orders.commitIntent(intent({ leg: 0 }));
  const y = await a.orders.commitIntent(intent({ leg: 1 }));
  await a.orders.markSent(x.clientOrderId, T0);
  await a.orders.markSent(y.clientOrderId, T0);
  await a.orders.markRejected(y.clientOrderId, 'insufficient balance', T0);
  const out = await b.orders.recordLookups([
    {
      clientOrderId: x.clientOrderId,
      at: T0 + 1,
      outcome: { error: 'ECONNRESET' },
      transitions: [{ kind: 'unknown', reason: 'timeout' }],
    },
    {
      clientOrderId: y.clientOrderId,
      at: T0 + 1,
      outcome: { error: 'x' },
      transitions: [{ kind: 'resolve', outcome: 'filled', reason: 'rejected is final', state: undefined }],
    },
  ]);
  assert.deepEqual(out[0], { state: 'unknown' });
  assert.ok('error' in out[1]);
  assert.deepEqual(await a.orders.lookups(y.clientOrderId), [], "the refused item's lookup was rolled back with it");
  assert.equal((await a.orders.lookups(x.clientOrderId)).length, 1);
  await a.close();
  await b.close();
});
