/**
 * How ccxt's exceptions map onto Ballast's order protocol, and message sanitising: a ccxt message may
 * quote the request URL (with its signature) and, in principle, anything the exchange echoes back.
 */
import ccxt from 'ccxt';
import { BallastError, type Next } from '../../core/errors.ts';

export type ErrorClass =
  /** Timestamp outside recvWindow (-1021): the request was refused; the local clock is off. */
  | 'clock'
  /** 429/418 or a rate-limit code: refused before processing. */
  | 'rate-limit'
  | 'auth'
  /** The exchange said the order does not exist. */
  | 'not-found'
  /** The exchange certainly refused the order (filters, funds, bad parameters, unknown symbol). */
  | 'rejected'
  /** The exchange already has an open order with this client id: our earlier send landed. */
  | 'duplicate'
  /** Timeout, connection failure, 5xx, or anything unexpected: the outcome is unknown. */
  | 'unknown';

export function classify(e: unknown): ErrorClass {
  if (e instanceof ccxt.InvalidNonce) return 'clock';
  if (e instanceof ccxt.DDoSProtection || e instanceof ccxt.RateLimitExceeded) return 'rate-limit';
  if (e instanceof ccxt.AuthenticationError) return 'auth';
  if (e instanceof ccxt.OrderNotFound) return 'not-found';
  if (e instanceof ccxt.DuplicateOrderId || (e instanceof ccxt.InvalidOrder && /Duplicate order sent/i.test(e.message)))
    return 'duplicate';
  if (
    e instanceof ccxt.InvalidOrder ||
    e instanceof ccxt.InsufficientFunds ||
    e instanceof ccxt.BadRequest ||
    e instanceof ccxt.ArgumentsRequired ||
    e instanceof ccxt.NotSupported ||
    e instanceof ccxt.OperationRejected
  ) {
    return 'rejected';
  }
  return 'unknown';
}

/** Removes secrets, signatures and API keys from a message. */
export function sanitize(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const s of secrets) if (s !== undefined && s.length >= 4) out = out.split(s).join('***');
  out = out.replace(/(signature=)[0-9a-fA-F]+/g, '$1***');
  out = out.replace(/("?x-mbx-apikey"?\s*[:=]\s*"?)[^"\s,}]+/gi, '$1***');
  // ccxt prefixes with the exchange id and sometimes appends whole URLs; keep them but without query strings.
  out = out.replace(/(https?:\/\/[^\s?"]+)\?[^\s"]*/g, '$1?…');
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

/** A ccxt failure with its class and a message safe to log, store and show. */
export class VenueError extends BallastError {
  static override readonly next: Next = 'retry';
  override readonly name = 'VenueError';
  constructor(
    readonly venue: string,
    readonly kind: ErrorClass,
    readonly operation: string,
    detail: string,
  ) {
    super(`${venue} ${operation} failed (${kind}): ${detail}${ADVICE[kind]}`, { next: nextOf(kind, operation) });
  }
}

/** What to do after a venue failure of this kind: an order whose outcome is unknown is looked up, never re-sent. */
function nextOf(kind: ErrorClass, operation: string): Next {
  const sending = /^(createOrder|place)/.test(operation);
  switch (kind) {
    case 'rate-limit':
      return 'retry';
    case 'clock':
    case 'auth':
      return 'stop';
    case 'rejected':
      return 'next-cycle';
    case 'not-found':
    case 'duplicate':
      return 'lookup';
    case 'unknown':
      return sending ? 'lookup' : 'retry';
  }
}

const ADVICE: Record<ErrorClass, string> = {
  clock:
    ' — the local clock differs from the exchange by more than recvWindow; sync the clock (NTP) or set adjustForTimeDifference',
  'rate-limit': ' — rate limited by the exchange; slow the schedule down or wait before retrying',
  auth: ' — check the API key, secret and key permissions (spot trading), and the IP allow-list',
  'not-found': '',
  rejected: '',
  duplicate: ' — an open order with this client order id already exists; resolve it by lookup',
  unknown: '',
};

export function toVenueError(
  venue: string,
  operation: string,
  e: unknown,
  secrets: readonly (string | undefined)[],
): VenueError {
  const msg = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
  return new VenueError(venue, classify(e), operation, sanitize(msg, secrets));
}
