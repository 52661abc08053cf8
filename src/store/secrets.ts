/**
 * Secrets never go into the journal. Every JSON value stored passes through `toStoredJson`, which
 * replaces the value of any secret-named key with "[redacted]"; `assertNoSecrets` refuses instead.
 * Detection is by key name (apiKey, secret, privateKey, password, token, passphrase, mnemonic,
 * authorization, cookie…, in any case or separator style). Keys that only *reference* a secret
 * (apiKeyEnv, secretFile, tokenPath, privateKeyEnvVar) are kept: a reference is how a user should configure one.
 * An ERC-20 token's address under a key named like a token (`token`, `buyToken`) is public and kept.
 * Free text (reasons, messages) is not scanned: callers must not put secrets there.
 */
import { JournalInputError, SecretInJournalError } from './errors.ts';

export const REDACTED = '[redacted]';

// A key is secret when, joined lowercase, it ENDS with one of these (apiKey, binanceSecret, accessToken,
// walletPrivateKey) — so 'tokenIn', 'tokens', 'keyId' or a backtest 'seed' stay readable.
const SECRET_ENDINGS = [
  'apikey',
  'apikeys',
  'privatekey',
  'secretkey',
  'signingkey',
  'accesskey',
  'secret',
  'secrets',
  'password',
  'passwd',
  'passphrase',
  'token',
  'mnemonic',
  'seedphrase',
  'authorization',
  'cookie',
  'credential',
  'credentials',
];
// …unless the last word says the value is only a reference to the secret.
const REFERENCE_WORDS = ['env', 'var', 'file', 'path', 'ref', 'name', 'id'];

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * "token" names an auth token and an ERC-20 token alike: under a key ending in "token", a value that is an
 * Ethereum address (0x and exactly 40 hex digits: public by nature, never a key, which has 64) is kept.
 */
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const publicTokenAddress = (key: string, v: unknown): boolean =>
  typeof v === 'string' && ADDRESS.test(v) && words(key).join('').endsWith('token');

/** True when `key` names a secret value (and not merely a reference to one). */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  if (w.length === 0) return false;
  if (REFERENCE_WORDS.includes(w[w.length - 1])) return false;
  const joined = w.join('');
  return SECRET_ENDINGS.some((e) => joined.endsWith(e));
}

function walk(value: unknown, path: string, found: string[], redact: boolean): unknown {
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`, found, redact));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // Keys sorted: the stored text is canonical, so equal values compare equal as text.
    for (const [k, v] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const p = path === '' ? k : `${path}.${k}`;
      if (isSecretKey(k) && v !== null && v !== undefined && v !== '' && v !== REDACTED && !publicTokenAddress(k, v)) {
        found.push(p);
        out[k] = redact ? REDACTED : v;
      } else {
        out[k] = walk(v, p, found, redact);
      }
    }
    return out;
  }
  return value;
}

/** Paths of secret-named keys holding a value (e.g. ['exchange.apiKey']). */
export function findSecrets(value: unknown): string[] {
  const found: string[] = [];
  walk(value, '', found, false);
  return found;
}

/** Throws SecretInJournalError naming every path that holds a secret. */
export function assertNoSecrets(value: unknown): void {
  const found = findSecrets(value);
  if (found.length > 0) throw new SecretInJournalError(found);
}

/** A deep copy with every secret-named key's value replaced by "[redacted]". */
export function redactSecrets<T>(value: T): T {
  return walk(value, '', [], true) as T;
}

/** JSON text for a journal column: secrets redacted, non-finite numbers refused (JSON cannot hold them). */
export function toStoredJson(field: string, value: unknown): string {
  const text = JSON.stringify(redactSecrets(value), (k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new JournalInputError(
        `${field}${k === '' ? '' : `.${k}`}`,
        `${v} cannot be stored as JSON; use null or a finite number`,
      );
    }
    if (typeof v === 'bigint') return v.toString();
    return v;
  });
  if (text === undefined)
    throw new JournalInputError(field, 'value is not JSON-serialisable (undefined or a function)');
  return text;
}
