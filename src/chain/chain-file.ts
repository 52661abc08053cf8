/**
 * Where the local chain's addresses are (issue #17 item 3): `ballast chain up` writes `.ballast/chain.json`
 * in the directory it runs in; every command that reads it looks there and then in each parent directory,
 * so it works from any directory below the one `chain up` ran in. `--chain-file` overrides.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CHAIN_FILE_NAME = join('.ballast', 'chain.json');

/** The nearest `.ballast/chain.json` from `cwd` upward, or the path in `cwd` when there is none (for the message). */
export function findChainFile(cwd: string = process.cwd()): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const p = join(dir, CHAIN_FILE_NAME);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return join(resolve(cwd), CHAIN_FILE_NAME);
  }
}
