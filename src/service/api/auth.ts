/**
 * API authentication: one bearer token (from an environment variable or a file), compared in constant
 * time. The dashboard, which cannot set headers on an EventSource, gets an HttpOnly SameSite=Strict
 * session cookie instead. Its value is `v2.<issuedAt>.<HMAC-SHA256 keyed by the token over issuedAt>` (never
 * the token itself): rotating the token logs every browser out, a leaked cookie does not reveal the token,
 * and the server refuses a cookie once its Max-Age has passed since issuedAt, whatever the browser does
 * (a client that keeps sending an old cookie gets 401). Changing issuedAt breaks the HMAC.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { BallastError, type Next } from '../../core/errors.ts';

export const SESSION_COOKIE = 'ballast_session';
export const MIN_TOKEN_LENGTH = 16;
/** The dashboard session's lifetime (seconds): the cookie's Max-Age, and the server's limit on it. */
export const SESSION_MAX_AGE_S = 43_200;
/** A session issued up to this far in the future (ms) is still accepted: a clock stepped back a little. */
const SESSION_CLOCK_SKEW_MS = 60_000;

/** A problem with the API's configuration; the server did not start. */
export class ApiConfigError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'ApiConfigError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`api.${field}: ${message}`);
  }
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

function checkToken(field: string, token: string): string {
  const t = token.trim();
  if (t.length < MIN_TOKEN_LENGTH)
    throw new ApiConfigError(
      field,
      `the API token must be at least ${MIN_TOKEN_LENGTH} characters (got ${t.length}); generate one with \`openssl rand -hex 32\`.`,
    );
  if (/\s/.test(t)) throw new ApiConfigError(field, 'the API token must not contain white space.');
  return t;
}

/**
 * The token from `tokenFile` (owner-only permissions required, like ssh keys) or else from the
 * environment variable `tokenEnv`; undefined when neither is set.
 */
export function loadApiToken(
  source: { tokenEnv?: string; tokenFile?: string },
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (source.tokenFile !== undefined) {
    let mode: number;
    try {
      mode = statSync(source.tokenFile).mode;
    } catch {
      throw new ApiConfigError('tokenFile', `cannot read ${source.tokenFile}; create it with the token on one line.`);
    }
    if (process.platform !== 'win32' && (mode & 0o077) !== 0)
      throw new ApiConfigError(
        'tokenFile',
        `${source.tokenFile} is readable by other users (mode ${(mode & 0o777).toString(8)}); run \`chmod 600 ${source.tokenFile}\`.`,
      );
    return checkToken('tokenFile', readFileSync(source.tokenFile, 'utf8'));
  }
  const name = source.tokenEnv ?? 'BALLAST_API_TOKEN';
  const v = env[name];
  return v === undefined || v === '' ? undefined : checkToken(`tokenEnv (${name})`, v);
}

/** Refuses to listen beyond this machine without a token: anyone who could reach it could trade. */
export function checkApiExposure(host: string, token: string | undefined): void {
  if ((token === undefined || token.trim() === '') && !isLoopback(host))
    throw new ApiConfigError(
      'host',
      `refusing to listen on ${host} without a token: anyone who can reach it could trade. Set the token (env BALLAST_API_TOKEN or api.tokenFile), or listen on 127.0.0.1.`,
    );
}

/** A random token for a loopback-only server started without one (64 hex digits). */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time equality (digests of equal length, so the length of either does not leak). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

const sessionMac = (token: string, issuedAt: number) =>
  createHmac('sha256', token).update(`ballast-dashboard-session-v2:${issuedAt}`).digest('hex');

/** The session cookie's value for a session opened at `issuedAt` (ms since the epoch). */
export function sessionValue(token: string, issuedAt: number): string {
  return `v2.${issuedAt}.${sessionMac(token, issuedAt)}`;
}

/**
 * True when `value` is a session cookie this token issued (its HMAC checks) and it is younger than
 * `maxAgeS` at `now`: refused from `issuedAt + maxAgeS` on, like the browser's Max-Age.
 */
export function sessionValid(token: string, value: string, now: number, maxAgeS = SESSION_MAX_AGE_S): boolean {
  const m = /^v2\.(\d{1,15})\.([0-9a-f]{64})$/.exec(value);
  if (m === null) return false;
  const issuedAt = Number(m[1]);
  if (!safeEqual(m[2]!, sessionMac(token, issuedAt))) return false;
  const age = now - issuedAt;
  return age >= -SESSION_CLOCK_SKEW_MS && age < maxAgeS * 1000;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

export interface Authenticator {
  /** True when the request carries the bearer token or a dashboard session cookie that is valid and not expired. */
  check(headers: { authorization?: string; cookie?: string }): boolean;
  /** True when `candidate` is the token. */
  isToken(candidate: string): boolean;
  /** The Set-Cookie header value opening a dashboard session. */
  sessionCookie(secure: boolean): string;
}

export interface AuthenticatorOptions {
  /** The clock for dashboard sessions (ms since the epoch); default Date.now. Tests inject one. */
  readonly now?: () => number;
  /** Dashboard session lifetime in seconds; default SESSION_MAX_AGE_S (12 hours). */
  readonly sessionMaxAgeS?: number;
}

export function authenticator(token: string, o: AuthenticatorOptions = {}): Authenticator {
  const now = o.now ?? Date.now;
  const maxAgeS = o.sessionMaxAgeS ?? SESSION_MAX_AGE_S;
  return {
    check(headers) {
      const auth = headers.authorization;
      if (auth !== undefined) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
        return m !== null && safeEqual(m[1]!, token);
      }
      const c = parseCookies(headers.cookie).get(SESSION_COOKIE);
      return c !== undefined && sessionValid(token, c, now(), maxAgeS);
    },
    isToken: (candidate) => safeEqual(candidate, token),
    sessionCookie: (secure) =>
      `${SESSION_COOKIE}=${sessionValue(token, Math.floor(now()))}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`,
  };
}
