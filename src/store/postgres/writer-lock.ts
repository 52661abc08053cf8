/**
 * The PostgreSQL store's writer lock (issue #21): as the SQLite journal's, one `ballast serve` that runs its own
 * cycles per database. Such a serve clears the claims it finds at start and reconciles every unfinished intent,
 * which is right only when no other process is sending; a second one beside it could free a live claim and
 * resolve an order still in flight. Workers and `serve --workers` share the database through the work queue
 * and take no writer lock.
 *
 * A session advisory lock on its own connection (outside the pool), held until close; PostgreSQL releases it when
 * the connection ends, so a kill -9 frees the database at once. The holder's connection is named
 * `ballast pid N on host H`, so a refused process can say who holds it.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import { JournalLockedError } from '../errors.ts';

/** pg_try_advisory_lock(int4, int4): 'ball' and 1. */
const KEY1 = 0x62616c6c;
const KEY2 = 1;

export interface PgWriterLock {
  release(): Promise<void>;
}

export async function takePgWriterLock(url: string, location: string, connectTimeoutMs: number): Promise<PgWriterLock> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: `ballast pid ${process.pid} on host ${hostname()}`,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [KEY1, KEY2]);
    if (r.rows[0]?.ok !== true) {
      const h = await client.query<{ name: string }>(
        `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 2 AND l.granted`,
        [KEY1, KEY2],
      );
      const m = /^ballast pid (\d+) on host (\S+)$/.exec(h.rows[0]?.name ?? '');
      throw new JournalLockedError(location, m ? { pid: Number(m[1]), host: m[2]! } : undefined);
    }
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
  return { release: () => client.end().catch(() => undefined) };
}
