/**
 * Creates a SetToken through the SetTokenCreator with the BasicIssuanceModule and the GeneralIndexModule, and
 * initializes both modules from the manager (issue #21 item 4). Returns the token and the manager's receipts.
 */
import { type Address, parseEventLogs, type TransactionReceipt } from 'viem';
import type { TxSender } from '../client.ts';
import { FixtureError } from '../errors.ts';
import { basicIssuanceModuleAbi, generalIndexModuleAbi, setTokenCreatorAbi } from './abis.ts';
import type { SetV2Contracts } from './deploy.ts';

export interface SetTokenSpec {
  readonly components: readonly Address[];
  /** Units of each component per 1e18 of the SetToken (base units of the component). */
  readonly units: readonly bigint[];
  readonly name: string;
  readonly symbol: string;
}

export interface CreatedSet {
  readonly setToken: Address;
  /** create, BasicIssuanceModule.initialize, GeneralIndexModule.initialize. */
  readonly receipts: readonly TransactionReceipt[];
}

/** Creates the SetToken with `tx`'s account as its manager and initializes its two modules. */
export async function createSetToken(tx: TxSender, set: SetV2Contracts, spec: SetTokenSpec): Promise<CreatedSet> {
  const manager = tx.clients.account;
  const created = await tx.call(
    set.setTokenCreator,
    setTokenCreatorAbi,
    'create',
    [spec.components, spec.units, [set.basicIssuanceModule, set.generalIndexModule], manager, spec.name, spec.symbol],
    `Set create ${spec.symbol}`,
  );
  const ev = parseEventLogs({ abi: setTokenCreatorAbi, eventName: 'SetTokenCreated', logs: created.logs })[0];
  if (!ev) throw new FixtureError(`SetTokenCreator.create for ${spec.symbol} emitted no SetTokenCreated event`);
  const setToken = ev.args._setToken;
  const bim = await tx.call(
    set.basicIssuanceModule,
    basicIssuanceModuleAbi,
    'initialize',
    [setToken, '0x0000000000000000000000000000000000000000'],
    'Set BasicIssuanceModule.initialize',
  );
  const gim = await tx.call(
    set.generalIndexModule,
    generalIndexModuleAbi,
    'initialize',
    [setToken],
    'Set GeneralIndexModule.initialize',
  );
  return { setToken, receipts: [created, bim, gim] };
}
