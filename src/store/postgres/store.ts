/**
 * The Store ports on PostgreSQL (issue #28): `openPostgresStore('postgres://…')` connects a pool, applies
 * the migrations (once, whoever starts first) and fixes the store's id (the namespace of client order ids)
 * on first use. Many processes on many machines may open the same database; each unit of work is one
 * SERIALIZABLE transaction (sql.ts). The URL's password never appears in `location` or in any message.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { JournalConflictError, JournalError } from '../errors.ts';
import type { MigrationResult } from '../migrations.ts';
import type { Store } from '../ports.ts';
import { PgAlertStore } from './alerts.ts';
import { PgCashFlowStore } from './cash-flows.ts';
import { PgChainTxJournal } from './chain-txs.ts';
import { PgWorkClaimStore } from './claims.ts';
import { PgCycleStore } from './cycles.ts';
import { PgMetaStore } from './meta.ts';
import { migratePostgres } from './migrations.ts';
import { PgOrderJournal } from './orders.ts';
import { PgPaperAccountStore } from './paper-accounts.ts';
import { PgPlanStore } from './plans.ts';
import { PgPortfolioStore } from './portfolios.ts';
import { PgPriceStore } from './prices.ts';
import { PoolSql } from './sql.ts';
import { checkPostgresUrl, redactUrl } from './url.ts';
import { WorkerStats } from './worker-stats.ts';
import { type PgWriterLock, takePgWriterLock } from './writer-lock.ts';

export interface PostgresStoreOptions {
  /** As JournalOptions.journalId: fixes a new database's id; must match an existing one's. */
  readonly journalId?: string;
  /** Time stamp for migrations and meta (ms); defaults to the wall clock. */
  readonly now?: number;
  /** Connections in the pool (default 10). */
  readonly poolSize?: number;
  /** Give up connecting after this long (ms, default 10 000). */
  readonly connectTimeoutMs?: number;
  /**
   * Take the database's writer lock (writer-lock.ts) and hold it until close: a `serve` that runs its own
   * cycles. Refused with JournalLockedError while another process holds it.
   */
  readonly writer?: boolean;
}

export interface PostgresStore extends Store {
  readonly pool: pg.Pool;
  readonly sql: PoolSql;
  readonly migration: MigrationResult;
  /** The work queue's figures per worker (metrics of `serve --workers`). */
  readonly workers: WorkerStats;
}

const INT8 = 20;

/** BIGINT (times in ms, ids, counts) as JavaScript numbers: every value the store writes is a safe integer. */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  checkPostgresUrl(url);
  const location = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types,
  });
  // An idle connection the server drops must not crash the process: the next query reconnects.
  pool.on('error', () => undefined);
  let lock: PgWriterLock | null = null;
  try {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw new JournalError(
        `store ${location}: cannot connect (${redactUrl(e instanceof Error ? e.message : String(e)) || 'no reason given'}); check the URL and that PostgreSQL is running.`,
      );
    }
    const now = options.now ?? Date.now();
    let migration: MigrationResult;
    try {
      migration = await migratePostgres(client, location, now);
    } finally {
      client.release();
    }
    lock = options.writer === true ? await takePgWriterLock(url, location, options.connectTimeoutMs ?? 10_000) : null;
    const sql = new PoolSql(pool, location);
    const id = await sql.tx(async (s) => {
      const meta = new PgMetaStore(s);
      const stored = await meta.get('journal_id');
      if (stored !== undefined) {
        if (options.journalId !== undefined && options.journalId !== stored)
          throw new JournalConflictError(
            `store ${location}: its id is ${stored}, not ${options.journalId}; client order ids depend on it, so it never changes. Omit journalId or open the right database.`,
          );
        return stored;
      }
      const fresh = options.journalId ?? randomBytes(8).toString('hex');
      await meta.set('journal_id', fresh, now);
      return fresh;
    });
    return Object.freeze({
      id,
      location,
      pool,
      sql,
      migration,
      meta: new PgMetaStore(sql),
      portfolios: new PgPortfolioStore(sql, id),
      cycles: new PgCycleStore(sql),
      orders: new PgOrderJournal(sql),
      chainTxs: new PgChainTxJournal(sql),
      cashFlows: new PgCashFlowStore(sql),
      plans: new PgPlanStore(sql),
      alerts: new PgAlertStore(sql),
      paperAccounts: new PgPaperAccountStore(sql),
      prices: new PgPriceStore(sql),
      claims: new PgWorkClaimStore(sql),
      workers: new WorkerStats(sql),
      close: async () => {
        await pool.end();
        await lock?.release();
      },
    });
  } catch (e) {
    await pool.end().catch(() => undefined);
    await lock?.release();
    throw e;
  }
}
