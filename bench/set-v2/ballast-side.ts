/**
 * Ballast's side of the comparison (issue #21 item 4): today's lean executor, driven by the joint router over the
 * fixture's Uniswap v2/v3 pools only, rebalancing a wallet. The holder is an interface so that the basket contract
 * (branch `basket`, `BallastBasket.rebalance(legs, minOuts, deadline)`) can replace the wallet with one function:
 * `walletHolder` below is the only place that knows a wallet and an executor.
 */
import {
  type Address,
  encodeDeployData,
  maxUint256,
  type PublicClient,
  parseAbi,
  type TransactionReceipt,
  zeroAddress,
} from 'viem';
import {
  BASKET_DEPLOY_GAS,
  type BasketInit,
  basketArtifact,
  basketDeployArgs,
  basketFeed,
  DEFAULT_BASKET_OFFSET,
  NO_POOL_ID,
} from '../../src/chain/basket/artifact.ts';
import { checkBasketRebalance } from '../../src/chain/basket/check.ts';
import { basketLegs, checkInput, readSnapshot } from '../../src/chain/basket/plan.ts';
import { type LocalClients, localClients, receiptOf, type TxSender, txSender } from '../../src/chain/client.ts';
import { FixtureError } from '../../src/chain/errors.ts';
import { configureExecutor, deployExecutor, poolSources } from '../../src/chain/executor/artifact.ts';
import { encodeExecute, rebalanceId, simulateExecute } from '../../src/chain/executor/calldata.ts';
import type { Fixture, FixturePool } from '../../src/chain/fixture/types.ts';
import type { FeedConfig, ValidPrice } from '../../src/chain/oracles/feeds.ts';
import { type Batch, buildBatch, type RebalanceToken, sizeTrades } from '../../src/chain/rebalance/build.ts';
import { netTrades } from '../../src/chain/rebalance/net.ts';
import { prepareMarket } from '../../src/dex/router/joint/index.ts';
import { readPoolStates } from '../../src/dex/state/index.ts';
import { type HeldToken, holdings } from './holdings.ts';
import { uniswapPools } from './pool-costs.ts';

const erc20 = parseAbi([
  'function approve(address spender, uint256 amount) returns (bool)',
  'function transfer(address to, uint256 amount) returns (bool)',
]);

/** Who holds the portfolio and how a batch of legs is sent for it. */
export interface BallastHolder {
  /** Whose balances are the portfolio (the wallet today; the basket contract later). */
  readonly address: Address;
  /** Who runs the legs (buildBatch's `executor`): the executor contract today, the basket itself later. */
  readonly executor: Address;
  /** Sends the batch; the basket's version calls `rebalance(legs, minOuts, deadline)` instead. */
  send(batch: Batch): Promise<TransactionReceipt[]>;
  /** The pools it may trade, of the fixture's Uniswap v2/v3 pools (default: all of them). */
  readonly pools?: (pools: readonly FixturePool[]) => FixturePool[];
}

/** A wallet with its own BallastExecutor: the batch is one `execute` call from the wallet. */
export function walletHolder(clients: LocalClients, executor: Address): BallastHolder {
  const owner = clients.account;
  return {
    address: owner,
    executor,
    async send(batch) {
      const data = encodeExecute(batch);
      await simulateExecute(clients.public, owner, executor, data);
      const hash = await clients.wallet.sendTransaction({
        account: owner,
        chain: clients.wallet.chain,
        to: executor,
        data,
        gas: 8_000_000n,
      });
      const r = await receiptOf(clients, hash, 'BallastExecutor.execute');
      if (r.status !== 'success') throw new FixtureError(`execute reverted (${hash})`);
      return [r];
    },
  };
}

export interface WalletSetup {
  readonly holder: BallastHolder;
  /** The wallet's one-time transactions: executor deployment, its feeds and guards, the sold token's approval. */
  readonly setup: readonly TransactionReceipt[];
}

/**
 * Funds `account` (an unlocked anvil account) from the fixture's deployer with `amounts`, then, from the wallet:
 * deploys its executor, sets the feeds of `tokens` and the slippage cap, approves each token to the executor.
 */
export async function setupWallet(
  deployer: TxSender,
  fx: Fixture,
  account: Address,
  tokens: readonly HeldToken[],
  amounts: readonly bigint[],
  feeds: Readonly<Record<string, FeedConfig>>,
  approve: readonly Address[],
): Promise<WalletSetup> {
  for (const [i, t] of tokens.entries())
    await deployer.call(t.address, erc20, 'transfer', [account, amounts[i]!], `fund ${t.symbol}`);
  const clients = localClients(fx.rpcUrl, account, fx.chainId);
  const tx = txSender(clients);
  const before = await clients.public.getBlockNumber({ cacheTime: 0 });
  const executor = await deployExecutor(tx, fx.contracts, account);
  await configureExecutor(tx, executor, {
    feeds: tokens.map((t) => ({ token: t.address, feed: feeds[t.symbol]! })),
    slippageCapBps: 1000,
  });
  for (const a of approve) await tx.call(a, erc20, 'approve', [executor, maxUint256], 'approve executor');
  const setup = await receiptsSince(clients.public, account, before);
  return { holder: walletHolder(clients, executor), setup };
}

/** The receipts of `from`'s transactions mined after block `after` (anvil automines one per block). */
async function receiptsSince(client: PublicClient, from: Address, after: bigint): Promise<TransactionReceipt[]> {
  const head = await client.getBlockNumber({ cacheTime: 0 });
  const out: TransactionReceipt[] = [];
  for (let n = after + 1n; n <= head; n++) {
    const b = await client.getBlock({ blockNumber: n, includeTransactions: true });
    for (const t of b.transactions)
      if (t.from.toLowerCase() === from.toLowerCase()) out.push(await client.getTransactionReceipt({ hash: t.hash }));
  }
  return out;
}

export interface BallastRun {
  readonly batch: Batch;
  readonly receipts: readonly TransactionReceipt[];
}

/**
 * Rebalances the holder's `tokens` to `weightsBps` at the oracle prices: the trades to the targets are netted and
 * sized (the quote is `quote`), routed jointly over the Uniswap v2/v3 pools of the fixture, and sent by the holder.
 */
export async function rebalanceBallast(
  client: PublicClient,
  fx: Fixture,
  holder: BallastHolder,
  held: readonly HeldToken[],
  weightsBps: readonly number[],
  quote: string,
  prices: ReadonlyMap<string, ValidPrice>,
  feeds: Readonly<Record<string, FeedConfig>>,
  opts: { gasPriceWei: bigint; maxSlippageBps: number },
): Promise<BallastRun> {
  const h = await holdings(client, holder.address, held, prices);
  const total = Number(h.totalE18) / 1e18;
  const trades = held.map((t, i) => {
    const delta = (total * weightsBps[i]!) / 10_000 - Number(h.valuesE18[i]!) / 1e18;
    return { asset: t.symbol, side: delta > 0 ? ('buy' as const) : ('sell' as const), notional: Math.abs(delta) };
  });
  const tokens = new Map<string, RebalanceToken>(
    fx.tokens.map((t) => [t.symbol, { symbol: t.symbol, address: t.address, decimals: t.decimals }]),
  );
  const balances = new Map(held.map((t, i) => [t.address.toLowerCase(), h.amounts[i]!]));
  const sizes = sizeTrades(netTrades(trades, quote), tokens, prices, quote, balances);
  const pools = holder.pools ? holder.pools(uniswapPools(fx.pools)) : uniswapPools(fx.pools);
  const snap = await readPoolStates(
    { client, v3TickLens: fx.contracts.v3TickLens, balancerVault: fx.contracts.balancerVault },
    pools,
  );
  const block = await client.getBlock();
  const batch = buildBatch({
    sizes,
    tokens,
    prices,
    feeds,
    quote,
    market: prepareMarket(snap.states),
    poolInfo: pools,
    contracts: fx.contracts,
    executor: holder.executor,
    owner: holder.address,
    deadline: block.timestamp + 600n,
    gasPriceWei: opts.gasPriceWei,
    maxSlippageBps: opts.maxSlippageBps,
    id: rebalanceId('set-v2-comparison', block.number),
  });
  return { batch, receipts: await holder.send(batch) };
}

/** 1,000 shares: the basket's holder issues them all at genesis. */
const BASKET_SHARES = 1000n * 10n ** 18n;

/**
 * A BallastBasket (issue #20) holding `amounts` of `tokens` with 50/50 targets: deployed by the fixture's deployer
 * (owner and keeper; its one setup transaction, the profile is set in the constructor), which then issues 1,000
 * shares paying exactly `amounts` (the genesis composition), like Set's issuance. Its `send` turns the joint
 * router's batch into `rebalance(legs, minOuts, deadline)`, after the off-chain check of the contract's rules
 * (src/chain/basket/check.ts) passes; it may trade only the v2/v3 pools between its assets (its profile's).
 */
export async function setupBasket(
  deployer: TxSender,
  fx: Fixture,
  tokens: readonly HeldToken[],
  amounts: readonly bigint[],
  feeds: Readonly<Record<string, FeedConfig>>,
  targetBps: readonly number[],
): Promise<WalletSetup> {
  const clients = deployer.clients;
  const isAsset = (a: string) => tokens.some((t) => t.address.toLowerCase() === a.toLowerCase());
  const own = (ps: readonly FixturePool[]) => uniswapPools(ps).filter((p) => p.tokens.every((t) => isAsset(t)));
  const pools = own(fx.pools);
  const init: BasketInit = {
    name: 'Ballast Basket',
    symbol: 'BSKT',
    owner: clients.account,
    assets: tokens.map((t) => t.address),
    genesisUnits: amounts.map((a) => (a * 10n ** 18n) / BASKET_SHARES),
    offset: DEFAULT_BASKET_OFFSET,
    profileDelay: 0,
    maxFeeBps: 0,
    profile: {
      targetBps,
      bandAbsBps: 200,
      bandRelBps: 0,
      calendar: false,
      minInterval: 0,
      maxLossBps: 100,
      maxTurnoverBps: 10_000,
      keeper: clients.account,
      keeperWindow: 0,
      feeBps: 0,
      feeRecipient: zeroAddress,
      feeds: await Promise.all(tokens.map((t) => basketFeed(clients.public, feeds[t.symbol]!, t.symbol))),
      pools: pools.map((p) => ({
        kind: p.protocol === 'uniswap-v2' ? (0 as const) : (1 as const),
        tokenA: p.tokens[0]!,
        tokenB: p.tokens[1]!,
        fee: p.protocol === 'uniswap-v2' ? 0 : p.feePips,
        poolId: NO_POOL_ID,
      })),
    },
  };
  const a = basketArtifact();
  const data = encodeDeployData({
    abi: a.abi,
    bytecode: a.bytecode,
    args: basketDeployArgs(init, poolSources(fx.contracts)),
  });
  const hash = await clients.wallet.sendTransaction({
    account: clients.account,
    chain: clients.wallet.chain,
    data,
    gas: BASKET_DEPLOY_GAS,
  });
  const deployed = await receiptOf(clients, hash, 'BallastBasket');
  const basket = deployed.contractAddress;
  if (deployed.status !== 'success' || !basket) throw new FixtureError(`basket deployment reverted (${hash})`);
  for (const t of tokens) await deployer.call(t.address, erc20, 'approve', [basket, maxUint256], `approve ${t.symbol}`);
  await deployer.call(basket, a.abi, 'issue', [BASKET_SHARES, clients.account], 'issue');
  const holder: BallastHolder = {
    address: basket,
    executor: basket,
    pools: own,
    async send(batch) {
      const { legs, minOuts, expectedOuts } = basketLegs(batch, pools);
      const snap = await readSnapshot(clients.public, basket);
      const check = checkBasketRebalance(
        checkInput(snap, clients.account, legs, minOuts, expectedOuts, batch.deadline),
      );
      if (!check.ok) throw new FixtureError(`the basket would refuse it: ${check.message} (${check.error})`);
      return [
        await deployer.call(basket, a.abi, 'rebalance', [legs, minOuts, batch.deadline], 'BallastBasket.rebalance'),
      ];
    },
  };
  return { holder, setup: [deployed] };
}
