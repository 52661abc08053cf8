/**
 * HTTP errors: `{ error, message, field? }` with a status. Facade and journal errors are mapped by kind:
 * bad input → 400 (naming the field), not found → 404, conflict (already decided, already paused …) → 409.
 */
import { InputError } from '../../core/errors.ts';
import { isWriteFailureCode, JournalWriteError } from '../journal/errors.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from '../journal/index.ts';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const invalid = (field: string, message: string) =>
  new ApiError(400, 'invalid_input', `${field}: ${message}`, field);
export const notFound = (what: string, id: string) =>
  new ApiError(404, 'not_found', `${what} ${JSON.stringify(id)} does not exist`);

export interface ErrorBody {
  error: string;
  message: string;
  field?: string;
}

/** Maps anything thrown by a route to a status and a body; unexpected errors say nothing internal. */
export function toHttpError(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof ApiError)
    return { status: e.status, body: { error: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } };
  if (e instanceof JournalInputError)
    return { status: 400, body: { error: 'invalid_input', message: e.message, field: e.field } };
  if (e instanceof InputError) {
    // The core's config checks (e.g. a target the portfolio's rules refuse): the first issue's path.
    const field = e.issues[0]?.path ?? '';
    return { status: 400, body: { error: 'invalid_input', message: e.message, ...(field ? { field } : {}) } };
  }
  if (e instanceof Error && e.name === 'NotFoundError')
    return { status: 404, body: { error: 'not_found', message: e.message } };
  if (e instanceof JournalNotFoundError) return { status: 404, body: { error: 'not_found', message: e.message } };
  if (e instanceof JournalConflictError) return { status: 409, body: { error: 'conflict', message: e.message } };
  // A full disk or an I/O error under a route's write: nothing was committed; the client may retry later.
  const code = e instanceof JournalWriteError ? e.code : (e as { code?: unknown } | null)?.code;
  if (isWriteFailureCode(code))
    return {
      status: 503,
      body: {
        error: 'journal_write_failed',
        message: `the journal could not be written (${code}); nothing was changed: free disk space or fix the disk, then retry`,
      },
    };
  const field = (e as { field?: unknown }).field;
  const status = (e as { statusCode?: unknown }).statusCode;
  if (typeof field === 'string' && e instanceof Error)
    return { status: 400, body: { error: 'invalid_input', message: e.message, field } };
  if (typeof status === 'number' && status >= 400 && status < 500 && e instanceof Error)
    return { status, body: { error: 'bad_request', message: e.message } };
  return { status: 500, body: { error: 'internal', message: 'internal error; see the service log' } };
}
