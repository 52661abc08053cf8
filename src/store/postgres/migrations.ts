/**
 * The PostgreSQL store's numbered migrations: each runs once, in one transaction holding an advisory lock,
 * so any number of processes starting at once migrate it exactly once. A database newer than the code is
 * refused untouched, as a SQLite journal is.
 */
import type pg from 'pg';
import { JournalError, JournalMigrationError, JournalTooNewError } from '../errors.ts';
import type { Migration, MigrationResult } from '../migrations.ts';
import { PG_SCHEMA_V1, PG_SCHEMA_V2, PG_SCHEMA_V3, PG_SCHEMA_V4 } from './schema.ts';

export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'the journal on PostgreSQL (issue #28): the SQLite journal schema after its migration 4',
    sql: PG_SCHEMA_V1,
  },
  {
    version: 2,
    name: 'the work queue (issue #28): one outcome row per portfolio cycle job, committed with the job',
    sql: PG_SCHEMA_V2,
  },
  {
    version: 3,
    name: 'fill explanations (issue #25): matched inside a batch auction vs routed, per fill',
    sql: PG_SCHEMA_V3,
  },
  {
    version: 4,
    name: 'metrics per worker (issue #28): orders and take-overs per job, starts and kills per worker',
    sql: PG_SCHEMA_V4,
  },
];

/** Any fixed 64-bit key: the lock every migrating process takes. */
const MIGRATION_LOCK = 7_202_628_028;

export async function migratePostgres(
  client: pg.PoolClient,
  location: string,
  now: number,
  migrations: readonly Migration[] = PG_MIGRATIONS,
): Promise<MigrationResult> {
  const latest = migrations.length;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const r = await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    const before = Number(r.rows[0].v);
    if (before > latest) throw new JournalTooNewError(location, before, latest);
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= before) continue;
      try {
        await client.query(`SAVEPOINT m${m.version}`);
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          now,
        ]);
      } catch (e) {
        if (e instanceof JournalError) throw e;
        throw new JournalMigrationError(m.version, m.name, e);
      }
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { from: before, to: Math.max(before, latest), applied };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
