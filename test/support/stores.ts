/**
 * The storage contract's two backends (issue #28): every store test written against the `Store` ports runs
 * once on the SQLite journal and once on PostgreSQL (a fresh database on a real server: postgres.ts).
 * `contract(name, fn)` registers both; the PostgreSQL one skips only where pgSkip says so.
 */
import { test } from 'node:test';
import type { Store } from '../../src/store/ports.ts';
import { sqliteStore } from '../../src/store/ports.ts';
import { openPostgresStore } from '../../src/store/postgres/index.ts';
import { journalWithPortfolio, T0 } from '../../src/store/testing/fixtures.ts';
import { freshDatabase, pgSkip } from './postgres.ts';

/** A store with portfolio `main` (config { quote: 'USDT' }) registered at T0, id 'test'; and raw SQL on it. */
export interface ContractStore extends Store {
  /** Runs one statement directly (`?` placeholders), bypassing the ports: for append-only and forged-row checks. */
  raw(sql: string, ...args: unknown[]): Promise<void>;
}

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  readonly skip: false | string;
  open(portfolioId?: string): Promise<ContractStore>;
}

export const SQLITE: Backend = {
  name: 'sqlite',
  skip: false,
  async open(portfolioId = 'main') {
    const j = journalWithPortfolio(':memory:', portfolioId);
    return Object.assign(Object.create(sqliteStore(j)) as Store, {
      raw: async (sql: string, ...args: unknown[]) => {
        j.db.prepare(sql).run(...args);
      },
    }) as ContractStore;
  },
};

export const POSTGRES: Backend = {
  name: 'postgres',
  skip: pgSkip,
  async open(portfolioId = 'main') {
    const s = await openPostgresStore(await freshDatabase(), { journalId: 'test', now: T0, poolSize: 4 });
    await s.portfolios.upsert({ id: portfolioId, config: { quote: 'USDT' }, at: T0 });
    return Object.assign(Object.create(s) as Store, {
      raw: async (sql: string, ...args: unknown[]) => {
        await s.sql.run(sql, ...args);
      },
    }) as ContractStore;
  },
};

export const BACKENDS: readonly Backend[] = [SQLITE, POSTGRES];

/** Registers `fn` once per backend: `sqlite: name` and `postgres: name`. */
export function contract(name: string, fn: (b: Backend) => Promise<void>): void {
  for (const b of BACKENDS) test(`${b.name}: ${name}`, { skip: b.skip }, () => fn(b));
}
