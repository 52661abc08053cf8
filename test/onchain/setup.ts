/** Shared set-up of the on-chain suites: anvil + fixture + an executor owned by anvil's account 0. */
import { type Address, type Hex, type PublicClient, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type AnvilNode, startAnvil } from '../../src/chain/anvil.ts';
import { type LocalClients, localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { configureExecutor, deployExecutor } from '../../src/chain/executor/artifact.ts';
import { deployFixture } from '../../src/chain/fixture/deploy.ts';
import type { Fixture } from '../../src/chain/fixture/types.ts';
import type { FeedConfig } from '../../src/chain/oracles/feeds.ts';
import type { RebalanceToken } from '../../src/chain/rebalance/build.ts';
import type { SwapPool } from '../../src/dex/pools/types.ts';
import { type Market, prepareMarket } from '../../src/dex/router/joint/index.ts';
import { buildSwapPools, readPoolStates } from '../../src/dex/state/index.ts';

/** anvil's dev key #0 (public, from its default mnemonic): test use only. */
export const KEY0: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** anvil's dev key #1: a caller that is not the executor's owner. */
export const KEY1: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

/** The largest maxSlippageBps the tests' executor accepts (setGuards). */
export const SLIPPAGE_CAP_BPS = 1000;

export const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function allowance(address, address) view returns (uint256)',
]);
export const feedAbi = parseAbi([
  'function setAnswer(int256 answer, uint256 updatedAt)',
  'function setUpdatedAt(uint256 updatedAt)',
  'function setBounds(int192 minAnswer, int192 maxAnswer)',
  'function setAnsweredLag(uint80 lag)',
  'function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)',
]);

export interface World {
  readonly node: AnvilNode;
  readonly fx: Fixture;
  readonly clients: LocalClients;
  readonly tx: TxSender;
  readonly executor: Address;
  readonly account: ReturnType<typeof privateKeyToAccount>;
  readonly tokens: Map<string, RebalanceToken>;
  readonly feeds: Record<string, FeedConfig>;
}

export async function startWorld(): Promise<World> {
  const node = await startAnvil();
  try {
    const fx = await deployFixture({ rpcUrl: node.rpcUrl });
    const clients = localClients(node.rpcUrl);
    const tx = txSender(clients);
    const executor = await deployExecutor(tx, fx.contracts);
    const tokens = new Map(
      fx.tokens.map((t) => [t.symbol, { symbol: t.symbol, address: t.address, decimals: t.decimals }]),
    );
    const feeds = Object.fromEntries(
      fx.tokens.map((t) => [t.symbol, { address: t.usdFeed, heartbeatSec: 3600, marginSec: 60 }]),
    );
    await configureExecutor(tx, executor, {
      feeds: fx.tokens.map((t) => ({ token: t.address, feed: feeds[t.symbol]! })),
      slippageCapBps: SLIPPAGE_CAP_BPS,
    });
    return { node, fx, clients, tx, executor, account: privateKeyToAccount(KEY0), tokens, feeds };
  } catch (e) {
    await node.stop();
    throw e;
  }
}

export async function pools(w: World): Promise<readonly SwapPool[]> {
  const snap = await readPoolStates(
    { client: w.clients.public, v3TickLens: w.fx.contracts.v3TickLens, balancerVault: w.fx.contracts.balancerVault },
    w.fx.pools,
  );
  return buildSwapPools(snap.states).pools;
}

/** The pools at the latest block, prepared for the joint router. */
export async function market(w: World): Promise<Market> {
  const snap = await readPoolStates(
    { client: w.clients.public, v3TickLens: w.fx.contracts.v3TickLens, balancerVault: w.fx.contracts.balancerVault },
    w.fx.pools,
  );
  return prepareMarket(snap.states);
}

export async function balances(client: PublicClient, who: Address, tokens: readonly Address[]): Promise<bigint[]> {
  return Promise.all(
    tokens.map((t) => client.readContract({ address: t, abi: erc20, functionName: 'balanceOf', args: [who] })),
  );
}
