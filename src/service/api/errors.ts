/**
 * HTTP errors: `{ error, message, field? }` with a status read from the error's `next` step (fix-input →
 * 400, refined to 404 not found, 409 conflict or 410 expired; retry and next-cycle → 503; lookup → 502).
 */
import { BallastError, type HttpRefinement, InputError, type Next } from '../../core/errors.ts';
import { isWriteFailureCode, JournalWriteError } from '../../store/errors.ts';

export class ApiError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'ApiError';
  constructor(
    readonly status: 400 | HttpRefinement,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message, {
      apiCode: code,
      ...(status === 400 ? {} : { httpStatus: status }),
      ...(field === undefined ? {} : { details: { field } }),
    });
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

/** The HTTP status of each next step (issue #15 item 3); a fix-input error may refine its 400. */
export const NEXT_HTTP: Readonly<Record<Next, number>> = {
  'fix-input': 400,
  'fix-usage': 400,
  retry: 503,
  lookup: 502,
  'next-cycle': 503,
  stop: 500,
};

/** The body's `error` when the error names no code of its own. */
const NEXT_CODE: Readonly<Record<Next, string>> = {
  'fix-input': 'invalid_input',
  'fix-usage': 'invalid_usage',
  retry: 'unavailable',
  lookup: 'outcome_unknown',
  'next-cycle': 'try_next_cycle',
  stop: 'stopped',
};
const REFINED_CODE: Readonly<Record<HttpRefinement, string>> = { 404: 'not_found', 409: 'conflict', 410: 'gone' };

/**
 * Maps anything thrown by a route to a status and a body, from the error's `next` step. A third-party
 * error is first given one at this boundary (a disk write failure of SQLite, a 4xx of fastify); anything
 * else is unexpected and says nothing internal.
 */
export function toHttpError(e: unknown): { status: number; body: ErrorBody } {
  const b = asBallastError(e);
  if (b === null) return { status: 500, body: { error: 'internal', message: 'internal error; see the service log' } };
  const refined = b.next === 'fix-input' ? b.httpStatus : undefined;
  const status = b instanceof HttpClientError ? b.status : (refined ?? NEXT_HTTP[b.next]);
  const error = b.apiCode ?? (refined === undefined ? NEXT_CODE[b.next] : REFINED_CODE[refined]);
  const field = fieldOf(b);
  return { status, body: { error, message: b.message, ...(field ? { field } : {}) } };
}

function fieldOf(b: BallastError): string | undefined {
  if (b instanceof InputError) return b.issues[0]?.path || undefined;
  const f = b.details?.field ?? (b as { field?: unknown }).field;
  return typeof f === 'string' && f !== '' ? f : undefined;
}

function asBallastError(e: unknown): BallastError | null {
  // A full disk or an I/O error under a route's write: nothing was committed; the client may retry later.
  const code = e instanceof JournalWriteError ? e.code : (e as { code?: unknown } | null)?.code;
  if (isWriteFailureCode(code))
    return new BallastError(
      `the journal could not be written (${code}); nothing was changed: free disk space or fix the disk, then retry`,
      { next: 'retry', apiCode: 'journal_write_failed' },
    );
  if (e instanceof BallastError) return e;
  const field = (e as { field?: unknown } | null)?.field;
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof field === 'string' && e instanceof Error)
    return new BallastError(e.message, { next: 'fix-input', details: { field } });
  if (typeof status === 'number' && status >= 400 && status < 500 && e instanceof Error)
    return new HttpClientError(status, e.message);
  return null;
}

/** A client error fastify raised itself (413 body too large, 415 media type …): its own status is kept. */
class HttpClientError extends BallastError {
  static override readonly next: Next = 'fix-input';
  constructor(
    readonly status: number,
    message: string,
    code = 'bad_request',
  ) {
    super(message, { apiCode: code });
  }
}

/** Too many requests from one client (sign-in attempts): 429 `rate_limited`, try again after `retryAfterS`. */
export class RateLimitedError extends HttpClientError {
  static override readonly next: Next = 'retry';
  override readonly name = 'RateLimitedError';
  constructor(readonly retryAfterS: number) {
    super(429, `too many attempts from this address; try again in ${retryAfterS} s`, 'rate_limited');
  }
}
