/**
 * Set Protocol v2's compiled contracts, from `@setprotocol/set-protocol-v2` 0.1.16 (its hardhat artifacts:
 * { abi, bytecode }, no library links). Nothing is recompiled: these are the published builds. Licence: the
 * package is MIT, the Solidity sources say Apache-2.0 (docs/chain.md); a devDependency, deployed on the local
 * test chain only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Hex } from 'viem';
import { FixtureError } from '../errors.ts';

const require = createRequire(import.meta.url);
const BASE = '@setprotocol/set-protocol-v2/artifacts/contracts/protocol';

/** The Set v2 contracts Ballast deploys, by name → path under the package's artifacts/contracts/protocol. */
export const SET_V2_CONTRACTS = {
  Controller: 'Controller.sol/Controller.json',
  IntegrationRegistry: 'IntegrationRegistry.sol/IntegrationRegistry.json',
  SetTokenCreator: 'SetTokenCreator.sol/SetTokenCreator.json',
  BasicIssuanceModule: 'modules/BasicIssuanceModule.sol/BasicIssuanceModule.json',
  GeneralIndexModule: 'modules/GeneralIndexModule.sol/GeneralIndexModule.json',
  UniswapV2IndexExchangeAdapter:
    'integration/index-exchange/UniswapV2IndexExchangeAdapter.sol/UniswapV2IndexExchangeAdapter.json',
  UniswapV3IndexExchangeAdapter:
    'integration/index-exchange/UniswapV3IndexExchangeAdapter.sol/UniswapV3IndexExchangeAdapter.json',
} as const;

export type SetV2ContractName = keyof typeof SET_V2_CONTRACTS;

const cache = new Map<SetV2ContractName, Hex>();

/** The creation bytecode of a Set v2 contract (the ABIs Ballast calls are typed in abis.ts). */
export function setV2Bytecode(name: SetV2ContractName): Hex {
  const hit = cache.get(name);
  if (hit) return hit;
  const j = JSON.parse(readFileSync(require.resolve(`${BASE}/${SET_V2_CONTRACTS[name]}`), 'utf8')) as {
    bytecode: string;
    linkReferences: Record<string, unknown>;
  };
  if (Object.keys(j.linkReferences).length > 0 || !j.bytecode.startsWith('0x') || j.bytecode.length <= 2)
    throw new FixtureError(`Set v2 artifact ${name} has no deployable bytecode (library links or empty)`);
  const code = j.bytecode as Hex;
  cache.set(name, code);
  return code;
}
