/**
 * Issue #25's scenario, shared by its test and its bench: three portfolios with opposite drifts on the
 * fixture post sell orders (limit = oracle × (1 − 1 %)), then the same orders are solved three ways from the
 * same chain state (anvil snapshot/revert): one batch auction, each order settled alone (part 1), and each
 * portfolio's trades sent alone through the lean executor's joint route. Surplus = what the trader receives
 * above its limit for what it sold, valued in USD at the oracle.
 */
import { type Address, keccak256, parseAbi, toHex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import type { GPv2Order } from '../../../dex/intents/gpv2-order.ts';
import { prepareMarket } from '../../../dex/router/joint/index.ts';
import { readPoolStates } from '../../../dex/state/index.ts';
import { localClients } from '../../client.ts';
import type { FeedConfig } from '../../oracles/feeds.ts';
import type { BatchResult } from '../batch.ts';
import { SolverError } from '../errors.ts';
import { flooredGas } from '../route.ts';
import { type OrderOutcome, solveOnce, usdPerUnit } from '../solve.ts';
import { type IntentWorld, sellOrder, signAndPost } from './world.ts';

const feedAbi = parseAbi(['function setUpdatedAt(uint256 updatedAt_)']);

/** The portfolios' sells: [portfolio, sell, buy, amount (whole tokens, fee included)]. */
export const COW_SCENARIO: readonly (readonly [string, string, string, number])[] = [
  ['P1 (too much ETH)', 'WETH', 'USDC', 4],
  ['P2 (too little ETH, too much BTC)', 'USDC', 'WETH', 9_000],
  ['P2 (too little ETH, too much BTC)', 'WBTC', 'USDC', 0.1],
  ['P3 (too little BTC, too much ETH)', 'USDC', 'WBTC', 4_500],
  ['P3 (too little BTC, too much ETH)', 'WETH', 'USDC', 1],
];

/** The fixture's feeds were set when it was deployed (maybe cached hours ago): the deployer marks them fresh. */
export async function refreshFeeds(w: IntentWorld): Promise<void> {
  const c = localClients(w.fx.rpcUrl, w.fx.deployer, w.fx.chainId);
  const now = (await w.client.getBlock()).timestamp;
  for (const t of w.fx.tokens) {
    const hash = await c.wallet.writeContract({
      account: w.fx.deployer,
      chain: c.wallet.chain,
      address: t.usdFeed,
      abi: feedAbi,
      functionName: 'setUpdatedAt',
      args: [now],
    });
    await c.public.waitForTransactionReceipt({ hash });
  }
}

export function feedsOf(w: IntentWorld): Record<string, FeedConfig> {
  return Object.fromEntries(
    w.fx.tokens.map((t) => [t.symbol, { address: t.usdFeed, heartbeatSec: 3600, marginSec: 60 }]),
  );
}

export interface PostedOrder {
  readonly portfolio: string;
  readonly owner: PrivateKeyAccount;
  readonly order: GPv2Order;
  readonly uid: `0x${string}`;
  readonly sell: string;
  readonly buy: string;
}

export async function postScenario(w: IntentWorld): Promise<PostedOrder[]> {
  const owners = new Map<string, PrivateKeyAccount>();
  const out: PostedOrder[] = [];
  for (const [p, sell, buy, whole] of COW_SCENARIO) {
    const t = w.token(sell);
    const total = (BigInt(Math.round(whole * 1e6)) * 10n ** BigInt(t.decimals)) / 10n ** 6n;
    let owner = owners.get(p);
    if (owner === undefined) {
      const need: Record<string, bigint> = {};
      for (const [q, s, , v] of COW_SCENARIO)
        if (q === p)
          need[s] = (need[s] ?? 0n) + (BigInt(Math.round(v * 1e6)) * 10n ** BigInt(w.token(s).decimals)) / 10n ** 6n;
      owner = await w.owner(need);
      owners.set(p, owner);
    }
    const order = await sellOrder(w, sell, buy, total, { slippageBps: 100 });
    out.push({ portfolio: p, owner, order, uid: await signAndPost(w, owner, order), sell, buy });
  }
  return out;
}

/** USD surplus of a fill of `order` that sold `sold` and received `got`: got − the limit's amount for `sold`. */
export function surplusUsd(o: PostedOrder, sold: bigint, got: bigint, usd: ReadonlyMap<string, number>): number {
  const limit = (o.order.buyAmount * sold) / o.order.sellAmount;
  return Number(got - limit) * usd.get(o.order.buyToken.toLowerCase())!;
}

export interface WayResult {
  readonly name: string;
  readonly surplusUsd: number;
  readonly perOrder: readonly {
    readonly uid: string;
    readonly sold: bigint;
    readonly got: bigint;
    readonly surplusUsd: number;
  }[];
  readonly gas: bigint;
  readonly settled: number;
}

function fromOutcomes(
  _w: IntentWorld,
  name: string,
  posted: readonly PostedOrder[],
  outs: readonly OrderOutcome[],
  usd: ReadonlyMap<string, number>,
): WayResult {
  const perOrder = posted.map((o) => {
    const r = outs.find((x) => x.uid.toLowerCase() === o.uid.toLowerCase() && x.status === 'settled');
    const sold = r?.executedSell ?? 0n;
    const got = r?.executedBuy ?? 0n;
    return { uid: o.uid, sold, got, surplusUsd: r ? surplusUsd(o, sold, got, usd) : 0 };
  });
  const txs = new Map(outs.filter((x) => x.txHash).map((x) => [x.txHash!, x.gasUsed ?? 0n]));
  return {
    name,
    surplusUsd: perOrder.reduce((s, x) => s + x.surplusUsd, 0),
    perOrder,
    gas: [...txs.values()].reduce((s, g) => s + g, 0n),
    settled: outs.filter((x) => x.status === 'settled').length,
  };
}

export async function runBatch(w: IntentWorld, posted: readonly PostedOrder[], maxDeviationBps = 100) {
  const usd = await usdPerUnit(w.client, w.fx);
  const outs = await solveOnce(w.solver, { send: true, batch: { feeds: feedsOf(w), maxDeviationBps } });
  return { way: fromOutcomes(w, 'batch auction (one settle)', posted, outs, usd), outcomes: outs };
}

export async function runAlone(w: IntentWorld, posted: readonly PostedOrder[]) {
  const usd = await usdPerUnit(w.client, w.fx);
  const outs = await solveOnce(w.solver, { send: true });
  return { way: fromOutcomes(w, 'each order alone (part 1)', posted, outs, usd), outcomes: outs };
}

/**
 * Each portfolio rebalancing alone through the lean executor (src/chain/executor/): its orders as plan
 * trades against USDC, netted and sized as `dex rebalance` does (netTrades, sizeTrades), one joint route and
 * one `execute` per portfolio on a BallastExecutor deployed here, from the deployer (who holds the tokens), on
 * the chain as the previous portfolio left it. Its surplus over the same limits: the USD value it gained at the
 * oracle (received − paid) plus what the limits concede (Σ sellAmount · P_sell − buyAmount · P_buy), so the
 * three ways compare on one measure; the executor's gas is paid in ETH, the intents' fee is not counted.
 */
export async function runExecutor(w: IntentWorld, posted: readonly PostedOrder[]): Promise<WayResult> {
  const { deployExecutor, configureExecutor } = await import('../../executor/artifact.ts');
  const { approvalsNeeded, encodeExecute, simulateExecute } = await import('../../executor/calldata.ts');
  const { buildBatch, sizeTrades } = await import('../../rebalance/build.ts');
  const { netTrades } = await import('../../rebalance/net.ts');
  const { validatedPrices } = await import('../../oracles/guard.ts');
  const { txSender } = await import('../../client.ts');
  const f = w.fx;
  const clients = localClients(f.rpcUrl, f.deployer, f.chainId);
  const tx = txSender(clients);
  const feeds = feedsOf(w);
  const executor = await deployExecutor(tx, f.contracts);
  await configureExecutor(tx, executor, {
    feeds: f.tokens.map((t) => ({ token: t.address, feed: feeds[t.symbol]! })),
    slippageCapBps: 1000,
  });
  const tokens = new Map(
    f.tokens.map((t) => [t.symbol, { symbol: t.symbol, address: t.address, decimals: t.decimals }]),
  );
  const usd = await usdPerUnit(w.client, f);
  const value = (t: Address, x: bigint) => Number(x) * usd.get(t.toLowerCase())!;
  const perOrder: WayResult['perOrder'][number][] = [];
  let gas = 0n;
  let total = 0;
  for (const p of [...new Set(posted.map((o) => o.portfolio))]) {
    const mine = posted.filter((o) => o.portfolio === p);
    const trades = mine.map((o) =>
      o.buy === 'USDC'
        ? { asset: o.sell, side: 'sell' as const, notional: value(o.order.sellToken, o.order.sellAmount) }
        : { asset: o.buy, side: 'buy' as const, notional: value(o.order.sellToken, o.order.sellAmount) },
    );
    const prices = await validatedPrices(w.client, { feeds, maxDeviationBps: 10_000 }, [...tokens.values()]);
    const sizes = sizeTrades(netTrades(trades, 'USDC'), tokens, prices, 'USDC');
    const snap = await readPoolStates(
      {
        client: w.client,
        v3TickLens: f.contracts.v3TickLens,
        balancerVault: f.contracts.balancerVault,
        multicall3: f.contracts.multicall3,
      },
      f.pools,
    );
    const block = await w.client.getBlock();
    const gasPriceWei = await w.client.getGasPrice();
    const b = buildBatch({
      sizes,
      tokens,
      prices,
      feeds,
      quote: 'USDC',
      market: prepareMarket(snap.states),
      poolInfo: f.pools,
      contracts: f.contracts,
      executor,
      owner: f.deployer,
      deadline: block.timestamp + 600n,
      gasPriceWei: flooredGas(gasPriceWei),
      maxSlippageBps: 200,
      id: keccak256(toHex(p)),
    });
    for (const a of await approvalsNeeded(w.client, f.deployer, executor, b)) {
      const h = await clients.wallet.sendTransaction({
        account: f.deployer,
        chain: clients.wallet.chain,
        to: a.token,
        data: a.data,
      });
      await w.client.waitForTransactionReceipt({ hash: h });
    }
    await simulateExecute(w.client, f.deployer, executor, encodeExecute(b)); // names a revert
    const all = f.tokens.map((t) => t.address);
    const before = await Promise.all(all.map((t) => w.balance(t, f.deployer)));
    const hash = await clients.wallet.sendTransaction({
      account: f.deployer,
      chain: clients.wallet.chain,
      to: executor,
      data: encodeExecute(b),
      gas: 3_000_000n,
    });
    const rc = await w.client.waitForTransactionReceipt({ hash });
    if (rc.status !== 'success') throw new SolverError(`the executor's rebalance of ${p} reverted`);
    gas += rc.gasUsed;
    const after = await Promise.all(all.map((t) => w.balance(t, f.deployer)));
    const gained = all.reduce((s, t, k) => s + value(t, after[k]! - before[k]!), 0);
    const conceded = mine.reduce(
      (s, o) => s + value(o.order.sellToken, o.order.sellAmount) - value(o.order.buyToken, o.order.buyAmount),
      0,
    );
    total += gained + conceded;
    for (const o of mine) perOrder.push({ uid: o.uid, sold: o.order.sellAmount, got: 0n, surplusUsd: Number.NaN });
  }
  return { name: 'each portfolio alone (lean executor)', surplusUsd: total, perOrder, gas, settled: perOrder.length };
}

export type { BatchResult };
