/** The committed solc-js output of contracts/src/BallastExecutor.sol, and its deployment. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi, Address, Hex } from 'viem';
import { BallastError } from '../../core/errors.ts';
import type { TxSender } from '../client.ts';

export interface ExecutorArtifact {
  readonly abi: Abi;
  readonly bytecode: Hex;
}

let cached: ExecutorArtifact | undefined;

export function executorArtifact(): ExecutorArtifact {
  if (cached) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const path = ['../../..', '../../../..']
    .map((up) => join(here, up, 'contracts', 'out', 'BallastExecutor.json'))
    .find((p) => existsSync(p));
  if (path === undefined)
    throw new BallastError('contracts/out/BallastExecutor.json is missing: run node scripts/build-contracts.mjs');
  cached = JSON.parse(readFileSync(path, 'utf8')) as ExecutorArtifact;
  return cached;
}

/** Deploys an executor owned by `owner` (default: the sender's account). */
export function deployExecutor(tx: TxSender, owner: Address = tx.clients.account): Promise<Address> {
  const a = executorArtifact();
  return tx.deploy(a.abi, a.bytecode, [owner], 'BallastExecutor');
}
