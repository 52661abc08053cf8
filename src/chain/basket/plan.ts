/**
 * A basket rebalance planned off-chain (issue #21 item 1): the state the contract will check (profile, feeds,
 * balances, last rebalance; a sleeve basket's sleeve) read at one block (`readSnapshot`), the pools the profile
 * allows and the joint router's route turned into the basket's legs (`basketLegs`). The planning itself, shared by
 * `ballast vault rebalance` and the service's keeper, is in keeper-legs.ts (`planBasketRebalance`,
 * `legsForTrades`); everything is run through `checkBasketRebalance` (check.ts) so nothing the contract would
 * refuse on that state is sent.
 */
import { type Address, type PublicClient, parseAbi } from 'viem';
import type { Fixture, FixturePool } from '../fixture/types.ts';
import { type Batch, RebalanceBuildError, slipMin } from '../rebalance/build.ts';
import { type BasketLeg, type BasketPool, type BasketPoolKind, NO_POOL_ID } from './artifact.ts';
import { type CheckFeed, type CheckInput, type CheckResult, poolAllowed } from './check.ts';
import { type BasketState, readBasket } from './read.ts';
import { type BasketSleeve, type ResolvedSleeve, readBasketSleeve } from './sleeve.ts';
import type { SleeveLegsPlan } from './sleeve-legs.ts';

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
  /** What the contract counts: the wallet plus, in a sleeve basket, what the aTokens redeem to. */
  readonly balances: readonly bigint[];
  /** The liquid part (the assets' own balances). */
  readonly wallet: readonly bigint[];
  /** A BallastSleeveBasket's sleeve at the same block (undefined: a plain basket). */
  readonly sleeve?: BasketSleeve;
}

export async function readSnapshot(client: PublicClient, basket: Address): Promise<BasketSnapshot> {
  const blk = await client.getBlock();
  const blockNumber = blk.number;
  const state = await readBasket(client, basket);
  const at = { blockNumber };
  const tokenDecimals = await Promise.all(
    state.assets.map((a) => client.readContract({ address: a, abi: erc20, functionName: 'decimals', ...at })),
  );
  const wallet = await Promise.all(
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
  const sleeve = await readBasketSleeve(client, basket, state.assets, blockNumber);
  const balances = sleeve ? wallet.map((x, i) => x + sleeve.supplied[i]!) : wallet;
  return {
    basket,
    state,
    now: blk.timestamp,
    block: blockNumber,
    tokenDecimals,
    feeds,
    balances,
    wallet,
    ...(sleeve ? { sleeve } : {}),
  };
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
    ...(s.sleeve
      ? {
          sleeve: {
            pool: s.sleeve.pool,
            aTokens: s.sleeve.aTokens,
            wallet: s.wallet,
            available: s.sleeve.available,
          },
        }
      : {}),
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
  /** A sleeve basket's withdrawals and supplies (and "withdraw limited" reasons). */
  readonly sleeve?: SleeveLegsPlan;
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
  /** A sleeve basket's setting resolved against it (resolveSleeve). */
  readonly sleeve?: ResolvedSleeve;
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
