/**
 * Opens a journal database file with the settings its crash guarantees rest on (docs/journal.md):
 * WAL, synchronous=FULL (every commit is fsync'd before it returns), foreign keys, a busy timeout.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import { JournalCorruptError, JournalError, JournalLockedError } from './errors.ts';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** How long a writer waits for another connection's lock before failing (ms). Default 5000. */
  readonly busyTimeoutMs?: number;
  /**
   * Hold SQLite's exclusive lock for as long as the connection is open (locking_mode=EXCLUSIVE, taken at
   * open): a second service on the same file is refused instead of sending orders beside the first.
   * Other processes cannot read the file meanwhile. The OS releases the lock when the process dies,
   * so a crash never leaves a stale lock.
   */
  readonly exclusive?: boolean;
}

/** True for SQLite's in-memory databases (tests only: no durability, no WAL). */
export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path === '';
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Refuses an existing non-empty file that is not SQLite (a config, a CSV) before anything is made beside
 * it (no lock file, no -wal): the message names it, and the file is not changed.
 */
export function refuseForeignFile(path: string): void {
  if (isMemoryPath(path)) return;
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(SQLITE_MAGIC.length);
      head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return; // missing or unreadable: the open says why
  }
  if (head.length > 0 && !head.equals(SQLITE_MAGIC))
    throw new JournalError(
      `journal ${path}: not a SQLite database (a journal file starts with "SQLite format 3"); point Ballast at its journal file or at a new path. The file was not changed.`,
    );
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  if (!isMemoryPath(path)) {
    // Create the file owner-only before SQLite does: trading history is private. SQLite gives the
    // -wal and -shm files the database file's permissions.
    try {
      closeSync(openSync(path, 'a', 0o600));
    } catch (e) {
      throw new JournalError(
        `journal ${path}: cannot open or create the file (${(e as Error).message}); check that its directory exists and is writable.`,
      );
    }
  }
  const db = new Database(path);
  try {
    const busy = options.busyTimeoutMs ?? 5000;
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busy))}`);
    if (!isMemoryPath(path)) quickCheck(db, path); // before anything could write to the file
    if (options.exclusive === true) db.pragma('locking_mode = EXCLUSIVE');
    const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
    if (!isMemoryPath(path) && mode !== 'wal') {
      throw new JournalError(
        `journal ${path}: could not switch to WAL mode (got ${mode}); the file system may not support it (network drives do not): put the journal on a local disk.`,
      );
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // WAL auto-checkpoint keeps the -wal file bounded; FULL also fsyncs the WAL at each commit.
    db.pragma('wal_autocheckpoint = 1000');
    const sync = Number(db.pragma('synchronous', { simple: true }));
    const fk = Number(db.pragma('foreign_keys', { simple: true }));
    if (sync !== 2 || fk !== 1) {
      throw new JournalError(
        `journal ${path}: pragmas did not take (synchronous=${sync}, foreign_keys=${fk}); refusing to journal without them.`,
      );
    }
    if (options.exclusive === true) db.exec('BEGIN IMMEDIATE; COMMIT'); // take the lock now, not at the first write
    return db;
  } catch (e) {
    db.close();
    throw openError(e, path);
  }
}

/**
 * Opens an existing journal file read-only (no migrations, no pragmas that write): for commands that only
 * read. Works while a service writes it (WAL readers do not block the writer). Refuses a missing file.
 */
export function openReadOnlyDatabase(path: string, busyTimeoutMs = 5000): SqliteDatabase {
  if (isMemoryPath(path))
    throw new JournalError('journal :memory: cannot be opened read-only: it has nothing to read.');
  if (!existsSync(path))
    throw new JournalError(
      `journal ${path}: no such file; check the path (read-only commands never create a journal).`,
    );
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw openError(e, path);
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    quickCheck(db, path);
    return db;
  } catch (e) {
    db.close();
    throw openError(e, path);
  }
}

/** PRAGMA quick_check (the b-tree structure of every page, without the index cross-checks): 'ok' or refuse. */
export function quickCheck(db: SqliteDatabase, path: string): void {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  const problem = rows.find((r) => r.quick_check !== 'ok');
  if (problem) throw new JournalCorruptError(path, firstProblem(problem.quick_check));
}

/** The first problem quick_check names, without its "*** in database main ***" heading. */
function firstProblem(report: string): string {
  const lines = report.split('\n').map((l) => l.trim());
  return lines.find((l) => l.length > 0 && !/^\*\*\* in database/.test(l)) ?? report.trim();
}

/** SQLite's error codes at open, as journal errors of one line each. */
function openError(e: unknown, path: string): unknown {
  const code = (e as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY') return new JournalLockedError(path);
  if (code === 'SQLITE_CORRUPT') return new JournalCorruptError(path, (e as Error).message);
  if (code === 'SQLITE_NOTADB')
    return new JournalError(
      `journal ${path}: not a usable SQLite database (${(e as Error).message}); point Ballast at its journal file or at a new path. The file was not changed.`,
    );
  if (code === 'SQLITE_CANTOPEN')
    return new JournalError(`journal ${path}: cannot open the file (${(e as Error).message}); check its permissions.`);
  return e;
}
