/** Typed loaders for the committed solc-js outputs in contracts/out/ (built by scripts/build-contracts.mjs). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';
import { BallastError } from '../core/errors.ts';

export interface Artifact {
  readonly contractName: string;
  readonly abi: Abi;
  readonly bytecode: Hex;
  readonly deployedBytecode: Hex;
}

export type OwnContract =
  | 'Permit2'
  | 'TestERC20'
  | 'TestQuirkyERC20'
  | 'FeeOnTransferToken'
  | 'Multicall3'
  | 'MockAggregatorV3'
  | 'V3TickLens'
  | 'V4FixtureLiquidity'
  | 'V4SwapsHarness';

const here = dirname(fileURLToPath(import.meta.url));
const cache = new Map<string, Artifact>();

export function ownArtifact(name: OwnContract): Artifact {
  const hit = cache.get(name);
  if (hit) return hit;
  // From src/chain/ (tsx) the repo root is ../..; from dist/src/chain/ it is ../../..
  const candidates = ['../..', '../../..'].map((up) => join(here, up, 'contracts', 'out', `${name}.json`));
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined)
    throw new BallastError(`contracts/out/${name}.json is missing: run node scripts/build-contracts.mjs`);
  const a = JSON.parse(readFileSync(path, 'utf8')) as Artifact;
  cache.set(name, a);
  return a;
}

/** Canonical Multicall3 address; the fixture puts our Multicall3's runtime code there with anvil_setCode. */
export const MULTICALL3_ADDRESS = '0xcA11bde05977b3631167028862bE2a173976CA11' as const;
