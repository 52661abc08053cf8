/**
 * Typed journal errors. Each says what went wrong and what to do; none ever carries a secret value.
 */
import { BallastError, type Next } from '../core/errors.ts';

/** Base class: every journal error is a JournalError, so callers can catch them as one family. */
export class JournalError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name: string = 'JournalError';
}

/** The database file was written by a newer Ballast (a migration this code does not know). */
export class JournalTooNewError extends JournalError {
  override readonly name = 'JournalTooNewError';
  constructor(
    readonly path: string,
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `journal ${path}: schema version ${databaseVersion} is newer than this Ballast supports (${codeVersion}); ` +
        'upgrade Ballast, or open a copy made before the upgrade. The file was not changed.',
    );
  }
}

/** A migration failed; its transaction was rolled back and the database is at the previous version. */
export class JournalMigrationError extends JournalError {
  override readonly name = 'JournalMigrationError';
  constructor(
    readonly version: number,
    readonly migrationName: string,
    cause: unknown,
  ) {
    super(
      `journal migration ${version} (${migrationName}) failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}; ` +
        'the database is unchanged at the previous version. Report this with the message above.',
    );
  }
}

/** Input that cannot be journaled (bad field). Nothing was written. */
export class JournalInputError extends JournalError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'JournalInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`journal: ${field}: ${message}`);
  }
}

/** A record the caller referred to does not exist. Nothing was written. */
export class JournalNotFoundError extends JournalError {
  static override readonly next: Next = 'fix-input';
  static override readonly httpStatus = 404 as const;
  override readonly name = 'JournalNotFoundError';
  constructor(
    readonly what: string,
    readonly key: string,
  ) {
    super(
      `journal: there is no ${what} ${key}${
        what === 'portfolio'
          ? '; a portfolio enters the journal when a service first runs it: check the id, or start the service with it once'
          : '; check the id'
      }.`,
    );
  }
}

/**
 * The write would contradict what the journal already holds (same client order id with other fields,
 * same venue trade id for another order, a second portfolio hashing to the same id prefix). Nothing was written.
 */
export class JournalConflictError extends JournalError {
  static override readonly next: Next = 'fix-input';
  static override readonly httpStatus = 409 as const;
  override readonly name = 'JournalConflictError';
}

/** A state change the order state machine forbids (e.g. filled → open). Nothing was written. */
export class IllegalTransitionError extends JournalError {
  static override readonly next: Next = 'lookup';
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly clientOrderId: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(
      `order ${clientOrderId}: transition ${from} → ${to} is not allowed (see docs/journal.md, state machine); ` +
        'nothing was written. This is a bug in the caller or a venue report out of order: resolve the order by lookup.',
    );
  }
}

/** A value that looks like a secret was about to be stored. Nothing was written. */
export class SecretInJournalError extends JournalError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'SecretInJournalError';
  constructor(readonly paths: readonly string[]) {
    super(
      `journal: refusing to store secrets at ${paths.join(', ')}; secrets never go into the database. ` +
        'Reference them instead (e.g. apiKeyEnv: BINANCE_KEY or keyFile: /path), or pass the value through redactSecrets().',
    );
  }
}

/** A new order was about to be sent for a portfolio that still has a leg in state `unknown`. Nothing was sent. */
export class UnknownLegsError extends JournalError {
  static override readonly next: Next = 'lookup';
  override readonly name = 'UnknownLegsError';
  constructor(
    readonly portfolioId: string,
    readonly clientOrderId: string,
  ) {
    super(
      `portfolio ${portfolioId}: not sending ${clientOrderId} while a leg's outcome is unknown; ` +
        'reconcile first (reconcileUnfinished) — the unknown leg is resolved by lookup, never by sending again.',
    );
  }
}

/** Who holds a journal's writer lock, as its `<journal>.lock.owner` file says. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
}

/** Another process holds the journal's writer lock (a service runs on it). Nothing was changed. */
export class JournalLockedError extends JournalError {
  override readonly name = 'JournalLockedError';
  constructor(
    readonly path: string,
    readonly holder?: LockHolder,
  ) {
    const who = holder ? `pid ${holder.pid} on host ${holder.host}` : 'another process';
    super(
      `journal ${path}: ${who} holds it (a Ballast service runs on it); one service per journal, ` +
        'so stop that one first, or point this one at its own journal file.',
    );
  }
}

/** PRAGMA quick_check found a problem at open. The file was not changed. */
export class JournalCorruptError extends JournalError {
  override readonly name = 'JournalCorruptError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(
      `journal ${path}: integrity check failed (${problem}); the file was not changed. ` +
        'Restore from a backup (Journal.backup) or start a new journal.',
    );
  }
}

/** SQLite codes that mean the disk refused a write (full, I/O error, read-only, cannot open). */
export function isWriteFailureCode(code: unknown): code is string {
  return (
    typeof code === 'string' &&
    (code === 'SQLITE_FULL' ||
      code === 'SQLITE_CANTOPEN' ||
      code.startsWith('SQLITE_IOERR') ||
      code.startsWith('SQLITE_READONLY'))
  );
}

/**
 * A journal write failed because of the disk (SQLITE_FULL, SQLITE_IOERR*, SQLITE_READONLY*, SQLITE_CANTOPEN).
 * Nothing of that transaction was committed. The service pauses the portfolio and alerts.
 */
export class JournalWriteError extends JournalError {
  static override readonly next: Next = 'retry';
  override readonly name = 'JournalWriteError';
  constructor(
    readonly path: string,
    readonly code: string,
    readonly sqliteMessage: string,
  ) {
    super(
      `journal ${path}: write failed (${code}: ${sqliteMessage}); the portfolio is paused until the disk is fixed and it is resumed`,
    );
  }
}

/** `e` as a JournalWriteError when it is a disk write failure of SQLite, else `e` unchanged. */
export function asWriteError(e: unknown, path: string): unknown {
  if (e instanceof JournalWriteError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (isWriteFailureCode(code)) return new JournalWriteError(path, code, (e as Error).message);
  return e;
}
