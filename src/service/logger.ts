/**
 * Structured logs (pino) with secrets redacted: any key whose name is a secret word (apiKey, secret,
 * privateKey, password, token, authorization, cookie, … at any depth, the journal's rule) becomes
 * "[redacted]", a webhook URL is cut to its origin, and in a logged URL the value of every query
 * parameter whose decoded, case-folded key names a secret is masked, whatever its encoding (`?token=`,
 * `?%74oken=`, `?TOKEN=`, `?token[]=`, `;` separators, an encoded `=`, repeated keys). That URL rule also
 * runs over every string in a logged object, error messages and stacks, and the free-text message
 * (fastify puts the raw URL in "Route … not found" and "Reply was already sent" texts). Other free text
 * is not scanned: callers must not interpolate secrets into messages.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import { isSecretKey, REDACTED } from '../store/index.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go (default stdout); tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
  readonly name?: string;
}

// A query key is secret when, percent-decoded (repeatedly), lowercased and stripped of everything but
// letters and digits, it contains one of these words or ends with one of the short ones. Over-masking a
// log line costs nothing; under-masking leaks a credential.
const URL_SECRET_WORDS = [
  'token',
  'secret',
  'passw',
  'passphrase',
  'apikey',
  'accesskey',
  'privatekey',
  'signature',
  'authorization',
  'cookie',
  'session',
  'credential',
  'mnemonic',
];
const URL_SECRET_ENDINGS = ['key', 'sig', 'auth', 'pwd', 'pass'];

/** Percent-decodes (and `+` → space) until nothing changes, tolerating malformed escapes; for matching only. */
export function decodeFully(s: string): string {
  let cur = s;
  for (let i = 0; i < 8; i++) {
    const next = cur
      .replace(/\+/g, ' ')
      .replace(/(?:%[0-9a-f]{2})+/gi, (m) => Buffer.from(m.replaceAll('%', ''), 'hex').toString('utf8'));
    if (next === cur) break;
    cur = next;
  }
  return cur;
}

/** True when a (decoded) query key names a secret: token, TOKEN, token[], x-api-key, auth[token], … */
export function isSecretQueryKey(key: string): boolean {
  if (isSecretKey(key)) return true;
  const folded = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return URL_SECRET_WORDS.some((w) => folded.includes(w)) || URL_SECRET_ENDINGS.some((w) => folded.endsWith(w));
}

/** One `key=value` piece of a URL (between `?`, `&`, `;` or `#`), its value masked when the key is secret. */
function redactPiece(raw: string): string {
  const decoded = decodeFully(raw);
  const eq = decoded.indexOf('=');
  if (eq < 0) return raw;
  const key = decoded.slice(0, eq);
  const value = decoded.slice(eq + 1);
  const rawEq = raw.indexOf('=');
  const rawKey = rawEq < 0 ? raw : raw.slice(0, rawEq);
  // An encoded `=` puts the value inside the raw key: then the decoded key is written, re-encoded.
  const shownKey = decodeFully(rawKey) === key ? rawKey : encodeURIComponent(key);
  if (isSecretQueryKey(key)) return `${shownKey}=${REDACTED}`;
  // A value that is itself a URL or query with a secret in it (`?next=%2F%3Ftoken%3D…`) is masked whole.
  if (/[?&;=]/.test(value) && redactText(value) !== value) return `${shownKey}=${REDACTED}`;
  return raw;
}

/** Masks the value of every query parameter whose decoded, case-folded key names a secret, in a URL or path. */
export function redactUrl(url: string): string {
  if (!/[=%]/.test(url)) return url;
  return url
    .split(/([?&;#])/)
    .map((piece, i) => (i % 2 === 1 ? piece : redactPiece(piece)))
    .join('');
}

/** redactUrl on every white-space or quote delimited word of a text that could hold a query. */
export function redactText(text: string): string {
  if (!/[=%]/.test(text)) return text;
  return text.replace(/[^\s"'`<>]+/g, (word) => (/[=%]/.test(word) ? redactUrl(word) : word));
}

interface RequestLike {
  method?: string;
  url?: string;
  ip?: string;
}

/** The request serializer: method, URL (query secrets masked), client address; never headers. */
export function serializeRequest(req: RequestLike): Record<string, unknown> {
  return { method: req.method, url: redactUrl(req.url ?? ''), remoteAddress: req.ip };
}

/** pino's error serializer, with the URL rule over its message and stack. */
function serializeError(err: Error): Record<string, unknown> {
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = redactText(v);
  return out;
}

/** Webhook URLs carry their credential in the path (Slack, Discord, Teams): only the origin is logged. */
const isWebhookKey = (k: string) => /webhook(_?url)?$/i.test(k);
const urlOrigin = (v: unknown) => {
  try {
    return `${new URL(String(v)).origin}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
};

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A copy with secret-named keys' values redacted, recursing only into plain objects and arrays (errors,
 * requests and other class instances keep their own serializers). Key order is kept.
 */
export function redactLogObject(value: unknown, depth = 0): unknown {
  if (depth > 12) return value;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactLogObject(v, depth + 1));
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const set = v !== null && v !== undefined && v !== '';
    if (set && isSecretKey(k)) out[k] = REDACTED;
    else if (set && isWebhookKey(k) && typeof v === 'string') out[k] = urlOrigin(v);
    else if (typeof v === 'string') out[k] = redactText(v);
    else out[k] = redactLogObject(v, depth + 1);
  }
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'ballast',
      level: options.level ?? process.env.BALLAST_LOG_LEVEL ?? 'info',
      // Paths first (cheap, covers the usual places), then a deep key-name pass over every logged object.
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          'headers.authorization',
          'headers.cookie',
        ],
        censor: REDACTED,
      },
      serializers: { req: serializeRequest, err: serializeError },
      // The message text: fastify writes raw request URLs into some of its messages.
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>);
        },
      },
      formatters: {
        log: (obj) => redactLogObject(obj) as Record<string, unknown>,
      },
    },
    options.destination,
  );
}
