/**
 * A wallet's private key for the service (issue #24): from an environment variable (by default
 * BALLAST_PRIVATE_KEY) or from a key file the user names. A key file must be owner-only (chmod 600) and
 * hold `0x` and 64 hex digits (surrounding whitespace allowed). No message ever contains the key or the
 * file's content: each one names the field to fix.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Hex } from 'viem';
import { InputError } from '../../core/errors.ts';

export const DEFAULT_KEY_ENV = 'BALLAST_PRIVATE_KEY';

export interface KeySource {
  /** Environment variable holding the key (default BALLAST_PRIVATE_KEY). */
  readonly keyEnv?: string | undefined;
  /** A file holding the key; excludes keyEnv. */
  readonly keyFile?: string | undefined;
}

/** Where a refusal points: `service: portfolios.p1.venue.keyFile: …`. */
export interface KeyWhere {
  readonly source: string;
  /** The config object's path (`portfolios.p1.venue`), '' at the top. */
  readonly path: string;
}

const KEY = /^0x[0-9a-fA-F]{64}$/;

export function loadWalletKey(
  s: KeySource,
  where: KeyWhere,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Hex {
  const field = (f: string) => (where.path === '' ? f : `${where.path}.${f}`);
  const refuse = (f: string, message: string): never => {
    throw InputError.one(where.source, field(f), message);
  };
  if (s.keyFile !== undefined && s.keyEnv !== undefined) refuse('keyFile', 'give keyFile or keyEnv, not both');
  if (s.keyFile !== undefined) {
    const path = s.keyFile;
    let text: string;
    try {
      if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0)
        refuse('keyFile', `${path} is readable by group or others; run: chmod 600 ${path}`);
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if (e instanceof InputError) throw e;
      return refuse(
        'keyFile',
        `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); check the path`,
      );
    }
    const k = text.trim();
    if (!KEY.test(k)) refuse('keyFile', `${path} does not hold a private key (0x and 64 hex digits)`);
    return k as Hex;
  }
  const name = s.keyEnv ?? DEFAULT_KEY_ENV;
  const v = env[name]?.trim();
  if (v === undefined || v === '')
    return refuse(
      'keyEnv',
      `environment variable ${name} is not set: export the wallet's key there, or name a keyFile`,
    );
  if (!KEY.test(v)) refuse('keyEnv', `environment variable ${name} does not hold a private key (0x and 64 hex digits)`);
  return v as Hex;
}
