/**
 * API authentication: one bearer token (from an environment variable or a file), compared in constant
 * time. The dashboard, which cannot set headers on an EventSource, gets an HttpOnly SameSite=Strict
 * session cookie instead; its value is an HMAC of the token (never the token itself), so rotating the
 * token logs every browser out and a leaked cookie does not reveal the token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';

export const SESSION_COOKIE = 'ballast_session';
export const MIN_TOKEN_LENGTH = 16;

/** A problem with the API's configuration; the server did not start. */
export class ApiConfigError extends Error {
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

export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('ballast-dashboard-session-v1').digest('hex');
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
  /** True when the request carries the bearer token or a valid dashboard session cookie. */
  check(headers: { authorization?: string; cookie?: string }): boolean;
  /** True when `candidate` is the token. */
  isToken(candidate: string): boolean;
  /** The Set-Cookie header value opening a dashboard session. */
  sessionCookie(secure: boolean): string;
}

export function authenticator(token: string): Authenticator {
  const session = sessionValue(token);
  return {
    check(headers) {
      const auth = headers.authorization;
      if (auth !== undefined) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
        return m !== null && safeEqual(m[1]!, token);
      }
      const c = parseCookies(headers.cookie).get(SESSION_COOKIE);
      return c !== undefined && safeEqual(c, session);
    },
    isToken: (candidate) => safeEqual(candidate, token),
    sessionCookie: (secure) =>
      `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200${secure ? '; Secure' : ''}`,
  };
}
