/**
 * The journal: one SQLite file holding everything the service must not forget across a crash.
 * `Journal.open(path)` applies the pragmas and migrations and gives one typed store per idea.
 * Single writer: `Journal.open(path, { writer: true })` takes the journal's writer lock (writer-lock.ts) before
 * opening and holds it until close(); `Journal.openReadOnly(path)` reads beside the writer through WAL.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { AlertStore } from './alerts.ts';
import { CashFlowStore } from './cash-flows.ts';
import { ChainTxJournal } from './chain-txs.ts';
import { WorkClaimStore } from './claims.ts';
import { CycleStore } from './cycles.ts';
import { JournalConflictError, JournalError, JournalTooNewError } from './errors.ts';
import { writeTx } from './intent-core.ts';
import { MetaStore } from './meta.ts';
import { MIGRATIONS, type MigrationResult, migrate, schemaVersion } from './migrations.ts';
import {
  isMemoryPath,
  openDatabase,
  openReadOnlyDatabase,
  refuseForeignFile,
  type SqliteDatabase,
} from './open-database.ts';
import { OrderJournal } from './orders.ts';
import { PaperAccountStore } from './paper-accounts.ts';
import { PlanStore } from './plans.ts';
import { PortfolioStore } from './portfolios.ts';
import { PriceStore } from './prices.ts';
import { acquireWriterLock, type WriterLock } from './writer-lock.ts';

export interface JournalOptions {
  /**
   * The journal's id: the namespace of its client order ids. Random (16 hex digits) when the file is
   * created; give one only to reproduce a run (crash trials replaying a seed). Must match an existing file's.
   */
  readonly journalId?: string;
  readonly busyTimeoutMs?: number;
  /**
   * Take the journal's writer lock (`<path>.lock`) before opening and hold it until close(): every process
   * that writes a file journal on its own (the service, `deposit`/`withdraw`, `dex rebalance --execute`)
   * opens it so. A held lock throws JournalLockedError naming the holder's pid and host.
   */
  readonly writer?: boolean;
  /** Hold the file itself exclusively while open (no reader either): see OpenDatabaseOptions.exclusive. */
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
  readonly paperAccounts: PaperAccountStore;
  readonly prices: PriceStore;
  /** The gate's work claims (one live claim per portfolio: src/service/gate/claim.ts). */
  readonly claims: WorkClaimStore;

  private constructor(
    readonly db: SqliteDatabase,
    readonly path: string,
    readonly journalId: string,
    readonly migration: MigrationResult,
    /** The writer lock this journal holds (released by close()), or null. */
    readonly writerLock: WriterLock | null = null,
  ) {
    this.meta = new MetaStore(db);
    this.portfolios = new PortfolioStore(db, journalId);
    this.cycles = new CycleStore(db);
    this.orders = new OrderJournal(db);
    this.chainTxs = new ChainTxJournal(db);
    this.cashFlows = new CashFlowStore(db);
    this.plans = new PlanStore(db);
    this.alerts = new AlertStore(db);
    this.paperAccounts = new PaperAccountStore(db);
    this.prices = new PriceStore(db);
    this.claims = new WorkClaimStore(db);
  }

  /** Opens (creating if needed) and migrates a journal. ':memory:' gives a throw-away one for tests. */
  static open(path: string, options: JournalOptions = {}): Journal {
    // A path that cannot be a journal is refused before the lock file is made beside it (nothing left behind).
    Journal.checkPath(path);
    const lock = options.writer === true ? acquireWriterLock(path) : null;
    try {
      return Journal.openUnder(path, options, lock);
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /**
   * Refuses, without creating anything, a path that cannot be a journal: a directory, or an existing file
   * that is not SQLite. Commands call it before any work when a journal is named.
   */
  static checkPath(path: string): void {
    if (isMemoryPath(path)) return;
    if (existsSync(path) && statSync(path).isDirectory())
      throw new JournalError(`journal ${path}: is a directory, not a journal file; point Ballast at a file path.`);
    refuseForeignFile(path);
  }

  /**
   * Opens an existing journal read-only: no lock, no migrations, nothing written. For commands that only
   * read; works while a service holds the writer lock. A missing file, or one at another schema version, is
   * refused with one line. Every write through it fails (SQLITE_READONLY).
   */
  static openReadOnly(path: string, options: { readonly busyTimeoutMs?: number } = {}): Journal {
    Journal.checkPath(path);
    const db = openReadOnlyDatabase(path, options.busyTimeoutMs);
    try {
      const version = schemaVersion(db);
      if (version > MIGRATIONS.length) throw new JournalTooNewError(path, version, MIGRATIONS.length);
      if (version < MIGRATIONS.length)
        throw new JournalError(
          `journal ${path}: schema version ${version}, this Ballast reads ${MIGRATIONS.length}; start the service on it once to migrate it (read-only opens never migrate).`,
        );
      const journalId = new MetaStore(db).get('journal_id') ?? '';
      return new Journal(db, path, journalId, { from: version, to: version, applied: [] });
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private static openUnder(path: string, options: JournalOptions, lock: WriterLock | null): Journal {
    const db = openDatabase(path, { busyTimeoutMs: options.busyTimeoutMs, exclusive: options.exclusive });
    try {
      const now = options.now ?? Date.now();
      const migration = migrate(db, path, now);
      const journalId = journalIdOf(db, path, options.journalId, now);
      return new Journal(db, path, journalId, migration, lock);
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

  /** Closes the database, then releases the writer lock (if this journal holds it). */
  /** Closes the database; the writer lock is released even when closing fails (a full disk). */
  close(): void {
    try {
      if (this.db.open) this.db.close();
    } finally {
      this.writerLock?.release();
    }
  }
}

/** The stored journal id, or a new one (given or random) recorded in the same transaction. */
function journalIdOf(db: SqliteDatabase, path: string, wanted: string | undefined, now: number): string {
  const meta = new MetaStore(db);
  return writeTx(db, () => {
    const stored = meta.get('journal_id');
    if (stored !== undefined) {
      if (wanted !== undefined && wanted !== stored) {
        throw new JournalConflictError(
          `journal ${path}: its id is ${stored}, not ${wanted}; client order ids depend on it, so it never changes. Omit journalId or open the right file.`,
        );
      }
      return stored;
    }
    const id = wanted ?? randomBytes(8).toString('hex');
    meta.set('journal_id', id, now);
    return id;
  });
}
