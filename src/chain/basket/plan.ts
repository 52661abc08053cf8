/**
 * A basket rebalance planned off-chain (issue #21 item 1): the state the contract will check (profile, feeds,
 * balances, last rebalance) read at one block, the trades to the targets at the feeds' prices netted and routed by
 * the joint router over the Uniswap v2/v3 and Balancer pools the profile allows (v4 legs, which the basket runs
 * too, are not routed here), turned into the basket's legs, and the whole
 * run through `checkBasketRebalance` (check.ts) so nothing the contract would refuse on that state is sent.
 */
import { type Address, type PublicClient, parseAbi } from 'viem';
import { prepareMarket } from '../../dex/router/joint/index.ts';
import { readPoolStates } from '../../dex/state/index.ts';
import type { Fixture, FixturePool } from '../fixture/types.ts';
import type { FeedConfig, ValidPrice } from '../oracles/feeds.ts';
import {
  type Batch,
  buildBatch,
  RebalanceBuildError,
  type RebalanceToken,
  sizeTrades,
  slipMin,
} from '../rebalance/build.ts';
import { netTrades } from '../rebalance/net.ts';
import { type BasketLeg, type BasketPool, type BasketPoolKind, NO_POOL_ID } from './artifact.ts';
import { type CheckFeed, type CheckInput, type CheckResult, checkBasketRebalance, poolAllowed } from './check.ts';
import { type BasketState, readBasket } from './read.ts';

const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function decimals() view returns (uint8)',
]);
const feedAbi = parseAbi([
  'function latestRoundData() view returns (uint80, int256, uint256, uint256, uint80)',
  'function decimals() view returns (uint8)',
]);

/** Everything the contract's checks read, at one block. */
export interface BasketSnapshot {
  readonly basket: Address;
  readonly state: BasketState;
  readonly now: bigint;
  readonly block: bigint;
  readonly tokenDecimals: readonly number[];
  readonly feeds: readonly CheckFeed[];
  readonly balances: readonly bigint[];
}

export async function readSnapshot(client: PublicClient, basket: Address): Promise<BasketSnapshot> {
  const blk = await client.getBlock();
  const blockNumber = blk.number;
  const state = await readBasket(client, basket);
  const at = { blockNumber };
  const tokenDecimals = await Promise.all(
    state.assets.map((a) => client.readContract({ address: a, abi: erc20, functionName: 'decimals', ...at })),
  );
  const balances = await Promise.all(
    state.assets.map((a) =>
      client.readContract({ address: a, abi: erc20, functionName: 'balanceOf', args: [basket], ...at }),
    ),
  );
  const feeds = await Promise.all(
    state.profile.feeds.map(async (f): Promise<CheckFeed> => {
      const [r, d] = await Promise.all([
        client.readContract({ address: f.feed, abi: feedAbi, functionName: 'latestRoundData', ...at }),
        client.readContract({ address: f.feed, abi: feedAbi, functionName: 'decimals', ...at }),
      ]);
      return {
        roundId: r[0],
        answer: r[1],
        updatedAt: r[3],
        answeredInRound: r[4],
        decimals: d,
        heartbeat: f.heartbeat,
        minAnswer: f.minAnswer,
        maxAnswer: f.maxAnswer,
      };
    }),
  );
  return { basket, state, now: blk.timestamp, block: blockNumber, tokenDecimals, feeds, balances };
}

/** The check's input for `legs` on a snapshot, expected at `now` (default: the snapshot's block time + 1). */
export function checkInput(
  s: BasketSnapshot,
  caller: Address,
  legs: readonly BasketLeg[],
  minOuts: readonly bigint[],
  expectedOuts: readonly bigint[],
  deadline: bigint,
  now: bigint = s.now + 1n,
): CheckInput {
  return {
    now,
    caller,
    deadline,
    lastRebalance: s.state.lastRebalance,
    profile: s.state.profile,
    assets: s.state.assets,
    tokenDecimals: s.tokenDecimals,
    feeds: s.feeds,
    balances: s.balances,
    legs,
    minOuts,
    expectedOuts,
  };
}

/** The basket's leg for a swap of tokenIn → tokenOut through a fixture pool (undefined: a kind it cannot run here). */
function legFor(p: FixturePool, tokenIn: Address, tokenOut: Address, amountIn: bigint): BasketLeg | undefined {
  const kind: BasketPoolKind | undefined =
    p.protocol === 'uniswap-v2'
      ? 0
      : p.protocol === 'uniswap-v3'
        ? 1
        : p.protocol === 'balancer-weighted' || p.protocol === 'balancer-stable'
          ? 2
          : undefined;
  if (kind === undefined || (kind === 2 && p.poolId === undefined)) return undefined;
  const fee = kind === 1 ? p.feePips : 0;
  return { kind, tokenIn, tokenOut, fee, poolId: kind === 2 ? p.poolId! : NO_POOL_ID, amountIn };
}

/**
 * The fixture's Uniswap v2/v3 and Balancer pools the profile allows (v2 and Balancer pools are listed with fee 0; a
 * Balancer pool of more than two tokens when the profile lists every pair of its tokens that is in the basket).
 */
export function allowedPools(fx: Fixture, pools: readonly BasketPool[]): FixturePool[] {
  return fx.pools.filter((p) => {
    const pairs = p.tokens.flatMap((a, i) => p.tokens.slice(i + 1).map((b) => [a, b] as const));
    const legs = pairs.map(([a, b]) => legFor(p, a, b, 1n));
    if (legs.some((l) => l === undefined)) return false;
    return legs.every((l) => poolAllowed(pools, l!));
  });
}

export interface BasketPlan {
  readonly snapshot: BasketSnapshot;
  readonly legs: readonly BasketLeg[];
  readonly minOuts: readonly bigint[];
  readonly expectedOuts: readonly bigint[];
  readonly deadline: bigint;
  readonly batch?: Batch;
  /** The off-chain check of the contract's rules on this state. */
  readonly check: CheckResult;
}

export interface PlanOptions {
  readonly caller: Address;
  /** Each leg's minimum output: its expected output less this (bps). */
  readonly maxSlippageBps: number;
  /** Seconds from the snapshot's block time. */
  readonly deadlineSec?: number;
  /** Fraction of the way to the targets (default 1). */
  readonly fraction?: number;
  readonly gasPriceWei?: bigint;
}

/**
 * The basket's legs for a batch the joint router built (executor and owner: the basket): one per route leg, in
 * order, with its simulated output and that less the batch's maxSlippageBps as its minimum. A route through a pool
 * not in `pools` throws (the basket could not run it).
 */
export function basketLegs(
  batch: Batch,
  pools: readonly FixturePool[],
): { legs: BasketLeg[]; expectedOuts: bigint[]; minOuts: bigint[] } {
  const byAddr = new Map(pools.map((p) => [p.address.toLowerCase(), p]));
  const legs: BasketLeg[] = [];
  const expectedOuts: bigint[] = [];
  for (const l of batch.route.legs) {
    const p = byAddr.get(l.pool.toLowerCase());
    const leg = p ? legFor(p, l.tokenIn, l.tokenOut, l.amountIn) : undefined;
    if (!leg)
      throw new RebalanceBuildError(
        `the route uses pool ${l.pool}, not a Uniswap v2/v3 or Balancer pool the basket allows`,
      );
    legs.push(leg);
    expectedOuts.push(l.amountOut);
  }
  return { legs, expectedOuts, minOuts: expectedOuts.map((x) => slipMin(x, batch.maxSlippageBps)) };
}

/** Plans legs to the profile's targets on the current state and checks them as the contract will. */
export async function planBasketRebalance(
  client: PublicClient,
  fx: Fixture,
  basket: Address,
  o: PlanOptions,
): Promise<BasketPlan> {
  const s = await readSnapshot(client, basket);
  const deadline = s.now + BigInt(o.deadlineSec ?? 600);
  const { assets, profile } = s.state;
  const symbolOf = (a: Address) => fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.symbol ?? a;
  const tokens = new Map<string, RebalanceToken>(
    assets.map((a, i) => [symbolOf(a), { symbol: symbolOf(a), address: a, decimals: s.tokenDecimals[i]! }]),
  );
  const prices = new Map<string, ValidPrice>();
  const feeds: Record<string, FeedConfig> = {};
  assets.forEach((a, i) => {
    const f = s.feeds[i]!;
    const feed = profile.feeds[i]!.feed;
    prices.set(a.toLowerCase(), {
      ...f,
      feed,
      symbol: symbolOf(a),
      usd: Number(f.answer) / 10 ** f.decimals,
    });
    feeds[symbolOf(a)] = { address: feed, heartbeatSec: f.heartbeat, marginSec: 0 };
  });
  const usd = assets.map(
    (_, i) =>
      Number(
        (s.balances[i]! * s.feeds[i]!.answer * 10n ** 18n) / 10n ** BigInt(s.tokenDecimals[i]! + s.feeds[i]!.decimals),
      ) / 1e18,
  );
  const nav = usd.reduce((a, x) => a + x, 0);
  const frac = o.fraction ?? 1;
  const quote = symbolOf(assets[0]!);
  const quoteUsd = prices.get(assets[0]!.toLowerCase())!.usd;
  const trades = assets.map((a, i) => {
    const delta = ((nav * profile.targetBps[i]!) / 10_000 - usd[i]!) * frac;
    return {
      asset: symbolOf(a),
      side: delta > 0 ? ('buy' as const) : ('sell' as const),
      notional: Math.abs(delta) / quoteUsd,
    };
  });
  const balances = new Map(assets.map((a, i) => [a.toLowerCase(), s.balances[i]!]));
  const sizes = sizeTrades(netTrades(trades, quote), tokens, prices, quote, balances);
  const pools = allowedPools(fx, profile.pools);
  const empty = (): BasketPlan => ({
    snapshot: s,
    legs: [],
    minOuts: [],
    expectedOuts: [],
    deadline,
    check: checkBasketRebalance(checkInput(s, o.caller, [], [], [], deadline)),
  });
  if (sizes.sells.length === 0 || pools.length === 0) return empty();
  const snap = await readPoolStates(
    { client, v3TickLens: fx.contracts.v3TickLens, balancerVault: fx.contracts.balancerVault },
    pools,
    s.block,
  );
  const batch = buildBatch({
    sizes,
    tokens,
    prices,
    feeds,
    quote,
    market: prepareMarket(snap.states),
    poolInfo: pools,
    contracts: fx.contracts,
    executor: basket,
    owner: basket,
    deadline,
    gasPriceWei: o.gasPriceWei ?? 0n,
    maxSlippageBps: o.maxSlippageBps,
  });
  const { legs, expectedOuts, minOuts } = basketLegs(batch, pools);
  return {
    snapshot: s,
    legs,
    minOuts,
    expectedOuts,
    deadline,
    batch,
    check: checkBasketRebalance(checkInput(s, o.caller, legs, minOuts, expectedOuts, deadline)),
  };
}
