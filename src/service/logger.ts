/**
 * Structured logs (pino) with secrets redacted: any key whose name is a secret word (apiKey, secret,
 * privateKey, password, token, authorization, cookie, … at any depth, the journal's rule) becomes
 * "[redacted]", a webhook URL is cut to its origin, and a `?token=` in a logged URL is masked. Free-text messages are not scanned: callers
 * must not interpolate secrets into them.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import { isSecretKey, REDACTED } from './journal/index.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly level?: string;
  /** Where lines go (default stdout); tests pass a stream to read them back. */
  readonly destination?: DestinationStream;
  readonly name?: string;
}

/** Masks secret-looking query parameters (token, apiKey, …) in a URL or path. */
export function redactUrl(url: string): string {
  return url.replace(
    /([?&])((?:access_?)?token|api_?key|secret|password|signature|key)=([^&#]*)/gi,
    (_m, sep: string, k: string) => `${sep}${k}=${REDACTED}`,
  );
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
  if (Array.isArray(value)) return value.map((v) => redactLogObject(v, depth + 1));
  if (!isPlain(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const set = v !== null && v !== undefined && v !== '';
    if (set && isSecretKey(k)) out[k] = REDACTED;
    else if (set && isWebhookKey(k) && typeof v === 'string') out[k] = urlOrigin(v);
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
      serializers: { req: serializeRequest },
      formatters: {
        log: (obj) => redactLogObject(obj) as Record<string, unknown>,
      },
    },
    options.destination,
  );
}
