/**
 * The journal: one SQLite file holding everything the service must not forget across a crash.
 * `Journal.open(path)` applies the pragmas and migrations and gives one typed store per idea.
 * Single writer: one service process per journal file (readers may share it through WAL).
 */
import { randomBytes } from 'node:crypto';
import { AlertStore } from './alerts.ts';
import { CashFlowStore } from './cash-flows.ts';
import { ChainTxJournal } from './chain-txs.ts';
import { CycleStore } from './cycles.ts';
import { JournalConflictError } from './errors.ts';
import { writeTx } from './intent-core.ts';
import { MetaStore } from './meta.ts';
import { type MigrationResult, migrate } from './migrations.ts';
import { isMemoryPath, openDatabase, type SqliteDatabase } from './open-database.ts';
import { OrderJournal } from './orders.ts';
import { PaperBalanceStore } from './paper-balances.ts';
import { PlanStore } from './plans.ts';
import { PortfolioStore } from './portfolios.ts';
import { PriceStore } from './prices.ts';

export interface JournalOptions {
  /**
   * The journal's id: the namespace of its client order ids. Random (16 hex digits) when the file is
   * created; give one only to reproduce a run (crash trials replaying a seed). Must match an existing file's.
   */
  readonly journalId?: string;
  readonly busyTimeoutMs?: number;
  /** Hold the file exclusively while open (the service should): see OpenDatabaseOptions.exclusive. */
  readonly exclusive?: boolean;
  /** Time stamp for migrations and meta (ms); defaults to the wall clock. */
  readonly now?: number;
}

export class Journal {
  readonly meta: MetaStore;
  readonly portfolios: PortfolioStore;
  readonly cycles: CycleStore;
  readonly orders: OrderJournal;
  readonly chainTxs: ChainTxJournal;
  readonly cashFlows: CashFlowStore;
  readonly plans: PlanStore;
  readonly alerts: AlertStore;
  readonly paperBalances: PaperBalanceStore;
  readonly prices: PriceStore;

  private constructor(
    readonly db: SqliteDatabase,
    readonly path: string,
    readonly journalId: string,
    readonly migration: MigrationResult,
  ) {
    this.meta = new MetaStore(db);
    this.portfolios = new PortfolioStore(db, journalId);
    this.cycles = new CycleStore(db);
    this.orders = new OrderJournal(db);
    this.chainTxs = new ChainTxJournal(db);
    this.cashFlows = new CashFlowStore(db);
    this.plans = new PlanStore(db);
    this.alerts = new AlertStore(db);
    this.paperBalances = new PaperBalanceStore(db);
    this.prices = new PriceStore(db);
  }

  /** Opens (creating if needed) and migrates a journal. ':memory:' gives a throw-away one for tests. */
  static open(path: string, options: JournalOptions = {}): Journal {
    const db = openDatabase(path, { busyTimeoutMs: options.busyTimeoutMs, exclusive: options.exclusive });
    try {
      const now = options.now ?? Date.now();
      const migration = migrate(db, path, now);
      const meta = new MetaStore(db);
      const journalId = writeTx(db, () => {
        const stored = meta.get('journal_id');
        if (stored !== undefined) {
          if (options.journalId !== undefined && options.journalId !== stored) {
            throw new JournalConflictError(
              `journal ${path}: its id is ${stored}, not ${options.journalId}; client order ids depend on it, so it never changes. Omit journalId or open the right file.`,
            );
          }
          return stored;
        }
        const id = options.journalId ?? randomBytes(8).toString('hex');
        meta.set('journal_id', id, now);
        return id;
      });
      return new Journal(db, path, journalId, migration);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Runs `fn` in one IMMEDIATE transaction: all its writes commit together (one fsync) or none do. */
  transaction<T>(fn: () => T): T {
    return writeTx(this.db, fn);
  }

  /** PRAGMA integrity_check + foreign_key_check; [] when the file is sound. */
  check(): string[] {
    const problems: string[] = [];
    for (const r of this.db.pragma('integrity_check') as { integrity_check: string }[])
      if (r.integrity_check !== 'ok') problems.push(r.integrity_check);
    for (const r of this.db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[])
      problems.push(`foreign key: ${r.table} row ${r.rowid} → ${r.parent}`);
    return problems;
  }

  /**
   * An online, consistent copy of the journal at `destination` (SQLite's backup API: the service keeps
   * running). Copying the .db file alone while the service runs would miss what is still in the -wal.
   */
  async backup(destination: string): Promise<void> {
    await this.db.backup(destination);
  }

  /** Copies the WAL into the main file. */
  checkpoint(): void {
    if (!isMemoryPath(this.path)) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
