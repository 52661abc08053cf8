/**
 * Numbered schema migrations: each runs once, in its own IMMEDIATE transaction, and is recorded in
 * `schema_migrations`. Re-running is a no-op; a database newer than the code is refused untouched.
 */
import { JournalError, JournalMigrationError, JournalTooNewError } from './errors.ts';
import type { SqliteDatabase } from './open-database.ts';
import { SCHEMA_V1 } from './schema.ts';
import { SCHEMA_V2 } from './schema-chain.ts';
import { SCHEMA_V3 } from './schema-claims.ts';
import { SCHEMA_V5 } from './schema-fill-explained.ts';
import { SCHEMA_V6 } from './schema-live.ts';
import { SCHEMA_V4 } from './schema-paper.ts';

export interface Migration {
  /** 1, 2, 3 … without gaps. Never renumber or edit a released migration: add a new one. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'journal core: portfolios, cycles, orders, fills, cash flows, plans, alerts, paper, prices, meta',
    sql: SCHEMA_V1,
  },
  { version: 2, name: 'chain transactions (issue #8) on the order intent state machine', sql: SCHEMA_V2 },
  {
    version: 3,
    name: 'one gate for every order (issue #13): executing plans, one work claim per portfolio',
    sql: SCHEMA_V3,
  },
  {
    version: 4,
    name: 'paper accounts (issue #14): orders, fills and moved cash flows in tables of their own',
    sql: SCHEMA_V4,
  },
  {
    version: 5,
    name: 'fill explanations (issue #25): matched inside a batch auction vs routed, per fill',
    sql: SCHEMA_V5,
  },
  {
    version: 6,
    name: 'live state in the store (issue #28): the last cycle snapshot and the kill switch count per portfolio',
    sql: SCHEMA_V6,
  },
];

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly number[];
}

interface MigrationRow {
  version: number;
  name: string;
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new JournalError(
        `journal migrations: entry ${i} has version ${m.version}, expected ${i + 1} (numbered 1, 2, 3 … without gaps)`,
      );
    }
  });
}

/** The schema version recorded in the database (0 for a new one). */
export function schemaVersion(db: SqliteDatabase): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (exists === undefined) return 0;
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

export function migrate(
  db: SqliteDatabase,
  path: string,
  now: number,
  migrations: readonly Migration[] = MIGRATIONS,
): MigrationResult {
  checkList(migrations);
  const latest = migrations.length;
  const before = schemaVersion(db);
  if (before > latest) throw new JournalTooNewError(path, before, latest);
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  const applied: number[] = [];
  for (const m of migrations) {
    const step = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const done = db.prepare('SELECT version, name FROM schema_migrations WHERE version = ?').get(m.version) as
        | MigrationRow
        | undefined;
      if (done !== undefined) return false;
      const max = schemaVersion(db);
      if (max > latest) throw new JournalTooNewError(path, max, latest);
      if (max !== m.version - 1) {
        throw new JournalError(
          `journal ${path}: schema_migrations has a gap before version ${m.version} (highest is ${max}); the file was edited by hand or is not a Ballast journal.`,
        );
      }
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now,
      );
      return true;
    });
    try {
      if (step.immediate()) applied.push(m.version);
    } catch (e) {
      if (e instanceof JournalError) throw e;
      throw new JournalMigrationError(m.version, m.name, e);
    }
  }
  return { from: before, to: schemaVersion(db), applied };
}
