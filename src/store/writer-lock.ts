/**
 * One writer per journal: a kernel lock that dies with the process. The lock is a sibling file
 * `<journal>.lock`, opened as a tiny SQLite database in locking_mode=EXCLUSIVE with a write transaction
 * (`BEGIN EXCLUSIVE`) held for the writer's life. SQLite locks it with fcntl, so the kernel frees it when the
 * process dies, even on kill -9: a crash never leaves a stale lock. `<journal>.lock.owner` (JSON: pid, host,
 * since) is written after acquiring, only so a refused process can say who holds it.
 */
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
import { JournalError, JournalLockedError, type LockHolder } from './errors.ts';
import { isMemoryPath } from './open-database.ts';

export interface WriterLock {
  /** The journal the lock is for. */
  readonly journalPath: string;
  /** True until release(). */
  readonly held: boolean;
  /** Frees the lock (idempotent). The lock files stay: deleting them could let two writers lock two inodes. */
  release(): void;
}

export function lockPathOf(journalPath: string): string {
  return `${journalPath}.lock`;
}

export function ownerPathOf(journalPath: string): string {
  return `${journalPath}.lock.owner`;
}

/** Takes the journal's writer lock now, or throws JournalLockedError naming the holder. ':memory:' needs none. */
export function acquireWriterLock(journalPath: string): WriterLock {
  if (isMemoryPath(journalPath)) return memoryLock(journalPath);
  const db = openLockDatabase(journalPath);
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: unknown }).code === 'SQLITE_BUSY')
      throw new JournalLockedError(journalPath, readHolder(journalPath));
    throw e;
  }
  writeOwner(journalPath);
  return lockHandle(journalPath, () => db.close()); // closing rolls the empty transaction back, drops the fcntl lock
}

/** A lock handle whose release runs `drop` once. */
function lockHandle(journalPath: string, drop: () => void): WriterLock {
  let held = true;
  return {
    journalPath,
    get held() {
      return held;
    },
    release() {
      if (!held) return;
      held = false;
      drop();
    },
  };
}

function openLockDatabase(journalPath: string): Database.Database {
  const path = lockPathOf(journalPath);
  try {
    closeSync(openSync(path, 'a', 0o600));
    const db = new Database(path);
    db.pragma('busy_timeout = 0'); // refuse at once: the holder may run for months
    db.pragma('locking_mode = EXCLUSIVE');
    return db;
  } catch (e) {
    throw new JournalError(
      `journal ${journalPath}: cannot open its lock file ${path} (${(e as Error).message}); check that its directory exists and is writable.`,
    );
  }
}

function writeOwner(journalPath: string): void {
  const owner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  try {
    writeFileSync(ownerPathOf(journalPath), `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  } catch {
    // Only the message of a refused process depends on it; the lock itself is held.
  }
}

/** The holder as its owner file says (undefined when unreadable: it may be writing it right now). */
export function readHolder(journalPath: string): LockHolder | undefined {
  try {
    const o = JSON.parse(readFileSync(ownerPathOf(journalPath), 'utf8')) as { pid?: unknown; host?: unknown };
    if (typeof o.pid === 'number' && typeof o.host === 'string') return { pid: o.pid, host: o.host };
  } catch {}
  return undefined;
}

function memoryLock(journalPath: string): WriterLock {
  return lockHandle(journalPath, () => undefined);
}
