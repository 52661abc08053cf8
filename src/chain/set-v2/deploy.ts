/**
 * Deploys Set Protocol v2 on a local chain beside the fixture (issue #21 item 4): Controller, IntegrationRegistry,
 * SetTokenCreator, BasicIssuanceModule, GeneralIndexModule, and the Uniswap v2/v3 index exchange adapters over
 * the fixture's Router02 and SwapRouter, registered for the GeneralIndexModule under the names it is given in
 * `setExchanges`. Only the bench and its test deploy it: it is not part of the default fixture.
 */
import type { Address, TransactionReceipt } from 'viem';
import type { TxSender } from '../client.ts';
import {
  basicIssuanceModuleAbi,
  controllerAbi,
  generalIndexModuleAbi,
  indexExchangeAdapterAbi,
  integrationRegistryAbi,
  setTokenCreatorAbi,
} from './abis.ts';
import { setV2Bytecode } from './artifacts.ts';

/** The IntegrationRegistry names of the adapters (as Set's own deployments name them). */
export const SET_V2_EXCHANGE = {
  uniswapV2: 'UniswapV2IndexExchangeAdapter',
  uniswapV3: 'UniswapV3IndexExchangeAdapter',
} as const;

export interface SetV2Contracts {
  readonly controller: Address;
  readonly integrationRegistry: Address;
  readonly setTokenCreator: Address;
  readonly basicIssuanceModule: Address;
  readonly generalIndexModule: Address;
  readonly uniswapV2IndexExchangeAdapter: Address;
  readonly uniswapV3IndexExchangeAdapter: Address;
}

/** What Set v2 needs from the fixture. */
export interface SetV2Deps {
  readonly weth9: Address;
  readonly uniswapV2Router02: Address;
  readonly swapRouter: Address;
}

export interface SetV2Deployment {
  readonly contracts: SetV2Contracts;
  /** Every receipt of the deployment, in order (7 deployments, the Controller's initialize, 2 registrations). */
  readonly receipts: readonly TransactionReceipt[];
}

/** Deploys and wires Set v2 from `tx`'s account, which becomes the Controller's and the registry's owner. */
export async function deploySetV2(tx: TxSender, deps: SetV2Deps): Promise<SetV2Deployment> {
  const owner = tx.clients.account;
  const controller = await tx.deploy(controllerAbi, setV2Bytecode('Controller'), [owner], 'Set Controller');
  const integrationRegistry = await tx.deploy(
    integrationRegistryAbi,
    setV2Bytecode('IntegrationRegistry'),
    [controller],
    'Set IntegrationRegistry',
  );
  const setTokenCreator = await tx.deploy(
    setTokenCreatorAbi,
    setV2Bytecode('SetTokenCreator'),
    [controller],
    'Set SetTokenCreator',
  );
  const basicIssuanceModule = await tx.deploy(
    basicIssuanceModuleAbi,
    setV2Bytecode('BasicIssuanceModule'),
    [controller],
    'Set BasicIssuanceModule',
  );
  const generalIndexModule = await tx.deploy(
    generalIndexModuleAbi,
    setV2Bytecode('GeneralIndexModule'),
    [controller, deps.weth9],
    'Set GeneralIndexModule',
  );
  const uniswapV2IndexExchangeAdapter = await tx.deploy(
    indexExchangeAdapterAbi,
    setV2Bytecode('UniswapV2IndexExchangeAdapter'),
    [deps.uniswapV2Router02],
    'Set UniswapV2IndexExchangeAdapter',
  );
  const uniswapV3IndexExchangeAdapter = await tx.deploy(
    indexExchangeAdapterAbi,
    setV2Bytecode('UniswapV3IndexExchangeAdapter'),
    [deps.swapRouter],
    'Set UniswapV3IndexExchangeAdapter',
  );
  const receipts: TransactionReceipt[] = [];
  // resource id 0 is the IntegrationRegistry (Set's ResourceIdentifier library)
  receipts.push(
    await tx.call(
      controller,
      controllerAbi,
      'initialize',
      [[setTokenCreator], [basicIssuanceModule, generalIndexModule], [integrationRegistry], [0n]],
      'Set Controller.initialize',
    ),
  );
  for (const [name, adapter] of [
    [SET_V2_EXCHANGE.uniswapV2, uniswapV2IndexExchangeAdapter],
    [SET_V2_EXCHANGE.uniswapV3, uniswapV3IndexExchangeAdapter],
  ] as const) {
    receipts.push(
      await tx.call(
        integrationRegistry,
        integrationRegistryAbi,
        'addIntegration',
        [generalIndexModule, name, adapter],
        `Set addIntegration ${name}`,
      ),
    );
  }
  return {
    contracts: {
      controller,
      integrationRegistry,
      setTokenCreator,
      basicIssuanceModule,
      generalIndexModule,
      uniswapV2IndexExchangeAdapter,
      uniswapV3IndexExchangeAdapter,
    },
    receipts,
  };
}
