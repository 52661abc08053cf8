/**
 * The GeneralIndexModule's rebalance, as a Set manager and an allowed trader run it (issue #21 item 4): the
 * manager's per-component settings (trade maximum, exchange adapter and its data, cool-off period) and trader
 * allow-list, then `startRebalance` with the target units, then `trade` per component until its target is met.
 * Every component trades against WETH (the module's design).
 */
import { type Address, encodePacked, type Hex, type TransactionReceipt } from 'viem';
import type { TxSender } from '../client.ts';
import { generalIndexModuleAbi, setTokenAbi } from './abis.ts';
import type { SetV2Contracts } from './deploy.ts';

export interface ComponentTradeSettings {
  readonly component: Address;
  /** Largest quantity of the component one `trade` may buy or sell (its base units). */
  readonly maxSize: bigint;
  /** The adapter's IntegrationRegistry name (SET_V2_EXCHANGE). */
  readonly exchange: string;
  /** Uniswap v3: the pool's fee tier (v3ExchangeData); Uniswap v2: '0x' (direct pair) or an intermediate token. */
  readonly exchangeData: Hex;
  /** Seconds between two trades of the component. */
  readonly coolOffSec: bigint;
}

/** The UniswapV3IndexExchangeAdapter's data: the fee tier as a packed uint24. */
export function v3ExchangeData(feePips: number): Hex {
  return encodePacked(['uint24'], [feePips]);
}

/** The manager's settings: setTradeMaximums, setExchanges, setExchangeData, setCoolOffPeriods, setTraderStatus. */
export async function configureIndexTrading(
  tx: TxSender,
  set: SetV2Contracts,
  setToken: Address,
  settings: readonly ComponentTradeSettings[],
  traders: readonly Address[],
): Promise<TransactionReceipt[]> {
  const gim = set.generalIndexModule;
  const comps = settings.map((s) => s.component);
  const call = (fn: string, args: readonly unknown[]) =>
    tx.call(gim, generalIndexModuleAbi, fn, [setToken, ...args], `Set GeneralIndexModule.${fn}`);
  return [
    await call('setTradeMaximums', [comps, settings.map((s) => s.maxSize)]),
    await call('setExchanges', [comps, settings.map((s) => s.exchange)]),
    await call('setExchangeData', [comps, settings.map((s) => s.exchangeData)]),
    await call('setCoolOffPeriods', [comps, settings.map((s) => s.coolOffSec)]),
    await call('setTraderStatus', [traders, traders.map(() => true)]),
  ];
}

/**
 * startRebalance with the target units of the SetToken's current components (in `getComponents()` order) and
 * its current position multiplier.
 */
export async function startIndexRebalance(
  tx: TxSender,
  set: SetV2Contracts,
  setToken: Address,
  targets: ReadonlyMap<string, bigint>,
): Promise<TransactionReceipt> {
  const pub = tx.clients.public;
  const components = await pub.readContract({ address: setToken, abi: setTokenAbi, functionName: 'getComponents' });
  const multiplier = await pub.readContract({
    address: setToken,
    abi: setTokenAbi,
    functionName: 'positionMultiplier',
  });
  const units = components.map((c) => targets.get(c.toLowerCase()) ?? 0n);
  return tx.call(
    set.generalIndexModule,
    generalIndexModuleAbi,
    'startRebalance',
    [setToken, [], [], units, multiplier],
    'Set GeneralIndexModule.startRebalance',
  );
}

/** The module's next trade of `component`: [isSendTokenFixed (the component is sold), component quantity]. */
export async function nextIndexTrade(
  tx: TxSender,
  set: SetV2Contracts,
  setToken: Address,
  component: Address,
): Promise<{ sellsComponent: boolean; quantity: bigint }> {
  const [sellsComponent, quantity] = await tx.clients.public.readContract({
    address: set.generalIndexModule,
    abi: generalIndexModuleAbi,
    functionName: 'getComponentTradeQuantityAndDirection',
    args: [setToken, component],
  });
  return { sellsComponent, quantity };
}

/** One `trade` by an allowed trader: `ethQuantityLimit` is the most WETH spent (buy) or least received (sell). */
export function tradeIndex(
  tx: TxSender,
  set: SetV2Contracts,
  setToken: Address,
  component: Address,
  ethQuantityLimit: bigint,
): Promise<TransactionReceipt> {
  return tx.call(
    set.generalIndexModule,
    generalIndexModuleAbi,
    'trade',
    [setToken, component, ethQuantityLimit],
    'Set GeneralIndexModule.trade',
  );
}
