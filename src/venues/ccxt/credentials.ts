/**
 * API keys for a ccxt venue: from environment variables or from a file the user names. Values never
 * appear in errors or logs; only the variable or file names do.
 */
import { readFileSync, statSync } from 'node:fs';
import { BallastError, type Next } from '../../core/errors.ts';

export interface ApiCredentials {
  readonly apiKey: string;
  readonly secret: string;
  /** Some exchanges (OKX, KuCoin...) also need a passphrase; ccxt calls it `password`. */
  readonly password?: string;
}

export type CredentialSource =
  /** Names of the environment variables holding the values (not the values). */
  | { readonly env: { readonly apiKey: string; readonly secret: string; readonly password?: string } }
  /** A JSON file {"apiKey": "...", "secret": "...", "password"?: "..."}, readable by its owner only. */
  | { readonly file: string };

export class CredentialsError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'CredentialsError';
}

/** Default variable names for an exchange: BINANCE_API_KEY, BINANCE_SECRET, BINANCE_PASSWORD. */
export function defaultEnvNames(exchange: string): { apiKey: string; secret: string; password: string } {
  const p = exchange.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return { apiKey: `${p}_API_KEY`, secret: `${p}_SECRET`, password: `${p}_PASSWORD` };
}

export function loadCredentials(source: CredentialSource, env: NodeJS.ProcessEnv = process.env): ApiCredentials {
  if ('env' in source) {
    const get = (name: string, what: string): string => {
      const v = env[name];
      if (v === undefined || v.trim() === '')
        throw new CredentialsError(
          `${what}: environment variable ${name} is not set or empty; export it, or name a key file instead`,
        );
      return v.trim();
    };
    const password = source.env.password === undefined ? undefined : get(source.env.password, 'password');
    return {
      apiKey: get(source.env.apiKey, 'apiKey'),
      secret: get(source.env.secret, 'secret'),
      ...(password === undefined ? {} : { password }),
    };
  }
  const path = source.file;
  let text: string;
  try {
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
      throw new CredentialsError(`key file ${path} is readable by group or others; run: chmod 600 ${path}`);
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof CredentialsError) throw e;
    throw new CredentialsError(
      `key file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path in the service file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never echo the parser's message: it quotes the file's content.
    throw new CredentialsError(`key file ${path} is not valid JSON; expected {"apiKey": "...", "secret": "..."}`);
  }
  const o = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  for (const field of ['apiKey', 'secret'] as const) {
    if (typeof o[field] !== 'string' || o[field] === '')
      throw new CredentialsError(`key file ${path}: field "${field}" is missing or not a non-empty string`);
  }
  if (o.password !== undefined && typeof o.password !== 'string')
    throw new CredentialsError(`key file ${path}: field "password" must be a string`);
  return {
    apiKey: String(o.apiKey),
    secret: String(o.secret),
    ...(typeof o.password === 'string' ? { password: o.password } : {}),
  };
}
