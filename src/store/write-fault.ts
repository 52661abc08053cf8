/**
 * Test-only: make the next `count` writing statements of one journal fail as a full disk does. It patches
 * better-sqlite3's Statement.prototype.run (every store's INSERT/UPDATE/DELETE goes through it, including
 * those inside transactions) for this journal's connection only, and throws better-sqlite3's own SqliteError
 * with the given code: the error a real SQLITE_FULL raises, so the same classification and pause path run.
 */
import Database from 'better-sqlite3';
import type { Journal } from './journal.ts';

export interface WriteFault {
  readonly code: 'SQLITE_FULL' | 'SQLITE_IOERR' | 'SQLITE_READONLY';
  /** How many writing statements fail (then writes work again). */
  readonly count: number;
}

type RunFn = (...args: unknown[]) => unknown;
interface StatementProto {
  run: RunFn;
}
const faults = new Map<Database.Database, { code: string; left: number }>();
let original: RunFn | null = null;

/** Arms the fault; returns a function that disarms it. Reads (`get`/`all`) are never affected. */
export function injectWriteFault(journal: Journal, fault: WriteFault): () => void {
  const db = journal.db;
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as StatementProto;
  if (original === null) {
    const run = proto.run;
    original = run;
    proto.run = function (this: { database: Database.Database; reader: boolean }, ...args: unknown[]) {
      const f = faults.get(this.database);
      if (f !== undefined && f.left > 0 && !this.reader) {
        f.left--;
        throw new Database.SqliteError('database or disk is full', f.code);
      }
      return run.apply(this, args);
    };
  }
  faults.set(db, { code: fault.code, left: fault.count });
  return () => {
    faults.delete(db);
  };
}
