/**
 * The private key a chain command signs with (`ballast dex rebalance`, `lever rebalance`, `vault`): from
 * `--key-file`, else the environment variable BALLAST_PRIVATE_KEY; none at all is a dry run (undefined). A
 * refusal is one line naming where the key came from, never the key itself.
 */
import { existsSync } from 'node:fs';
import type { Hex } from 'viem';
import { InputError } from '../../core/errors.ts';
import { readTextFile } from '../io.ts';

export function readKey(
  keyFile: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Hex | undefined {
  if (keyFile !== undefined && !existsSync(keyFile))
    throw InputError.one('--key-file', '', `${keyFile} does not exist`);
  const raw = keyFile !== undefined ? readTextFile(keyFile) : env.BALLAST_PRIVATE_KEY;
  // An empty variable is unset; an empty key file is a malformed key.
  if (raw === undefined || (keyFile === undefined && raw.trim() === '')) return undefined;
  const k = raw.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(k))
    throw InputError.one(keyFile ?? 'BALLAST_PRIVATE_KEY', '', 'the private key is not 0x followed by 64 hex digits');
  return k as Hex;
}
