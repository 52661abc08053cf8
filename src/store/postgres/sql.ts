/**
 * The PostgreSQL store's one way to run SQL (issue #28). Every write unit runs in one SERIALIZABLE
 * transaction (`tx`): concurrent writers in any number of processes behave as if they ran one after the
 * other, as SQLite's IMMEDIATE transactions do under its single writer. A transaction PostgreSQL aborts
 * for a serialization conflict or a deadlock is rolled back and run again from the start (its body only
 * reads and writes the database, so running it again is safe). Statements use SQLite's `?` placeholders,
 * numbered here (`$1`, `$2` …): the SQL text stays close to the SQLite store's.
 */
import type pg from 'pg';
import { JournalError } from '../errors.ts';
import { redactUrl } from './url.ts';

export interface RunResult {
  readonly changes: number;
  readonly rows: readonly Record<string, unknown>[];
}

export interface Sql {
  get<T>(text: string, ...args: readonly unknown[]): Promise<T | undefined>;
  all<T>(text: string, ...args: readonly unknown[]): Promise<T[]>;
  run(text: string, ...args: readonly unknown[]): Promise<RunResult>;
  /**
   * Runs `fn` in one transaction: all its writes commit together or none do. Inside a transaction it joins
   * it; with `savepoint`, a failure of `fn` rolls back `fn`'s writes alone (SQLite's nested transaction).
   */
  tx<T>(fn: (sql: Sql) => Promise<T>, options?: { readonly savepoint?: boolean }): Promise<T>;
  /** The client of the open transaction (pg-boss `complete(…, { db })`), or null outside one. */
  readonly client: pg.PoolClient | null;
}

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 50;

/** True for PostgreSQL's "run it again" failures: serialization conflict, deadlock. */
export function isRetryable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && RETRYABLE.has(String((e as { code?: unknown }).code));
}

/** `?` → `$n`, outside single-quoted literals. */
export function numbered(text: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
}

type Queryable = pg.Pool | pg.PoolClient;

async function query(q: Queryable, location: string, text: string, args: readonly unknown[]): Promise<pg.QueryResult> {
  try {
    return await q.query(numbered(text), args as unknown[]);
  } catch (e) {
    throw wrap(e, location);
  }
}

/** PostgreSQL's errors keep their code (for retries) and lose nothing but a URL's password. */
function wrap(e: unknown, location: string): unknown {
  if (e instanceof JournalError || isRetryable(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const err = new JournalError(`journal ${location}: ${redactUrl(msg)}`);
  Object.assign(err, { code: (e as { code?: unknown })?.code });
  return err;
}

class TxSql implements Sql {
  private depth = 0;
  constructor(
    readonly client: pg.PoolClient,
    private readonly location: string,
  ) {}
  async get<T>(text: string, ...args: readonly unknown[]): Promise<T | undefined> {
    return (await query(this.client, this.location, text, args)).rows[0] as T | undefined;
  }
  async all<T>(text: string, ...args: readonly unknown[]): Promise<T[]> {
    return (await query(this.client, this.location, text, args)).rows as T[];
  }
  async run(text: string, ...args: readonly unknown[]): Promise<RunResult> {
    const r = await query(this.client, this.location, text, args);
    return { changes: r.rowCount ?? 0, rows: r.rows };
  }
  async tx<T>(fn: (sql: Sql) => Promise<T>, options: { readonly savepoint?: boolean } = {}): Promise<T> {
    if (options.savepoint !== true) return fn(this);
    const name = `sp${++this.depth}`;
    await this.client.query(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (e) {
      // A conflict aborts the whole transaction: it is retried from its start, never rolled back alone.
      if (!isRetryable(e)) await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw e;
    } finally {
      this.depth -= 1;
    }
  }
}

export class PoolSql implements Sql {
  readonly client = null;
  constructor(
    readonly pool: pg.Pool,
    readonly location: string,
  ) {}
  async get<T>(text: string, ...args: readonly unknown[]): Promise<T | undefined> {
    return (await query(this.pool, this.location, text, args)).rows[0] as T | undefined;
  }
  async all<T>(text: string, ...args: readonly unknown[]): Promise<T[]> {
    return (await query(this.pool, this.location, text, args)).rows as T[];
  }
  async run(text: string, ...args: readonly unknown[]): Promise<RunResult> {
    const r = await query(this.pool, this.location, text, args);
    return { changes: r.rowCount ?? 0, rows: r.rows };
  }
  async tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw wrap(e, this.location);
    }
    try {
      for (let attempt = 1; ; attempt += 1) {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        try {
          const out = await fn(new TxSql(client, this.location));
          await client.query('COMMIT');
          return out;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (!isRetryable(e)) throw wrap(e, this.location);
          if (attempt >= MAX_ATTEMPTS)
            throw new JournalError(
              `journal ${this.location}: a transaction conflicted with concurrent writers ${attempt} times in a row; try again.`,
            );
          await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5 * attempt)));
        }
      }
    } finally {
      client.release();
    }
  }
}
