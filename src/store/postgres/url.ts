/**
 * PostgreSQL connection strings (issue #28): `--store postgres://user:password@host:port/db`. A password
 * never leaves this file in a message: every URL shown (logs, errors, `/status`) goes through redactUrl.
 */
import { JournalInputError } from '../errors.ts';

/** True when `store` names PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(store: string): boolean {
  return /^postgres(ql)?:\/\//i.test(store);
}

/** Every `scheme://user:password@` in `text` (any scheme) with the password replaced by `***`. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
}

/** Checks a PostgreSQL URL's shape (scheme, host, database name); returns it unchanged. */
export function checkPostgresUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new JournalInputError('--store', `${redactUrl(url)} is not a valid URL (postgres://user@host:5432/db)`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new JournalInputError('--store', `${redactUrl(url)}: the scheme must be postgres:// or postgresql://`);
  if (u.hostname === '')
    throw new JournalInputError('--store', `${redactUrl(url)}: names no host (postgres://user@host:5432/db)`);
  if (u.pathname.replace(/^\//, '') === '')
    throw new JournalInputError('--store', `${redactUrl(url)}: names no database (postgres://user@host:5432/db)`);
  return url;
}
