import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  JournalConflictError,
  JournalError,
  JournalLockedError,
  JournalMigrationError,
  JournalTooNewError,
} from './errors.ts';
import { Journal } from './journal.ts';
import { MIGRATIONS, migrate, schemaVersion } from './migrations.ts';
import { openDatabase } from './open-database.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-journal-mig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('open: WAL, synchronous=FULL, foreign keys on, busy timeout, owner-only file', async () => {
  const path = join(dir, 'pragmas.db');
  const j = Journal.open(path);
  assert.equal(j.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(j.db.pragma('synchronous', { simple: true }), 2);
  assert.equal(j.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(j.db.pragma('busy_timeout', { simple: true }), 5000);
  assert.deepEqual(j.check(), []);
  j.meta.set('x', 'y', 1);
  const { statSync } = await import('node:fs');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(`${path}-wal`).mode & 0o777, 0o600, 'SQLite gives the WAL the database file mode');
  j.close();
});

test('migrations: applied once, in order, recorded; re-opening is a no-op; the journal id persists', () => {
  const path = join(dir, 'm.db');
  const a = Journal.open(path, { now: 1 });
  assert.deepEqual(a.migration, { from: 0, to: MIGRATIONS.length, applied: MIGRATIONS.map((m) => m.version) });
  const id = a.journalId;
  assert.match(id, /^[0-9a-f]{16}$/);
  a.close();
  const b = Journal.open(path, { now: 2 });
  assert.deepEqual(b.migration, { from: MIGRATIONS.length, to: MIGRATIONS.length, applied: [] });
  assert.equal(b.journalId, id);
  const rows = b.db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
  assert.deepEqual(
    rows,
    MIGRATIONS.map((m) => ({ version: m.version, applied_at: 1 })),
  );
  b.close();
  assert.throws(() => Journal.open(path, { journalId: 'other' }), JournalConflictError);
});

test('exclusive: a second opener is refused while the first holds the journal, and gets it once closed', () => {
  const path = join(dir, 'exclusive.db');
  const a = Journal.open(path, { exclusive: true });
  assert.throws(
    () => Journal.open(path, { busyTimeoutMs: 50 }),
    (e: unknown) => e instanceof JournalLockedError && /one service per journal/.test(e.message),
  );
  assert.throws(() => Journal.open(path, { busyTimeoutMs: 50, exclusive: true }), JournalLockedError);
  a.orders.unfinishedIntents();
  a.close();
  const b = Journal.open(path, { exclusive: true });
  assert.deepEqual(b.check(), []);
  b.close();
});

test('backup: an online copy opens as the same journal with the same data', async () => {
  const path = join(dir, 'live.db');
  const j = Journal.open(path);
  j.portfolios.upsert({ id: 'main', config: {}, at: 1 });
  await j.backup(join(dir, 'copy.db'));
  j.close();
  const c = Journal.open(join(dir, 'copy.db'));
  assert.equal(c.portfolios.get('main').id, 'main');
  assert.deepEqual(c.check(), []);
  c.close();
});

test('migrations: a database newer than the code is refused with a clear error and left untouched', () => {
  const path = join(dir, 'new.db');
  Journal.open(path).close();
  const db = openDatabase(path);
  db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
    MIGRATIONS.length + 1,
    'from the future',
    0,
  );
  db.close();
  assert.throws(
    () => Journal.open(path),
    (e: unknown) =>
      e instanceof JournalTooNewError &&
      e.databaseVersion === MIGRATIONS.length + 1 &&
      /upgrade Ballast/.test(e.message),
  );
  const again = openDatabase(path);
  assert.equal(schemaVersion(again), MIGRATIONS.length + 1);
  again.close();
});

test('open: a file that is not a SQLite database is refused with a clear error and left as it was', async () => {
  const { writeFileSync, readFileSync } = await import('node:fs');
  const path = join(dir, 'notes.txt');
  writeFileSync(path, 'these are my notes, not a database'.repeat(200));
  assert.throws(
    () => Journal.open(path),
    (e: unknown) => e instanceof JournalError && /notes\.txt: not a SQLite database/.test(e.message),
  );
  assert.equal(readFileSync(path, 'utf8'), 'these are my notes, not a database'.repeat(200));
  // As the writer: refused before its lock file is made beside it (issue #16: nothing left behind).
  const { existsSync } = await import('node:fs');
  assert.throws(() => Journal.open(path, { writer: true }), /not a SQLite database/);
  assert.ok(!existsSync(`${path}.lock`) && !existsSync(`${path}.lock.owner`), 'no lock file left');
  assert.throws(
    () => Journal.open(join(dir, 'no-such-dir', 'j.db')),
    (e: unknown) => e instanceof JournalError && /directory exists/.test(e.message),
  );
});

test('migrations: an old database is brought up to date; a failing migration rolls back entirely', () => {
  const path = join(dir, 'old.db');
  const db = openDatabase(path);
  assert.deepEqual(migrate(db, path, 0, MIGRATIONS.slice(0, 1)).applied, [1]);
  assert.deepEqual(
    migrate(db, path, 0).applied,
    MIGRATIONS.slice(1).map((m) => m.version),
  );
  const broken = [
    ...MIGRATIONS,
    {
      version: MIGRATIONS.length + 1,
      name: 'broken',
      sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;',
    },
  ];
  assert.throws(() => migrate(db, path, 0, broken), JournalMigrationError);
  assert.equal(schemaVersion(db), MIGRATIONS.length);
  assert.equal(
    db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'half'").get(),
    undefined,
    'the half-applied table was rolled back',
  );
  db.close();
});
