/**
 * Reads of a deployed BallastBasket (issue #20) for the CLI, the service venue and the tests: its assets, the
 * active and pending risk profile, the last rebalance, the NAV inputs at its validated feeds and exact previews.
 */
import type { Address, Hex, PublicClient } from 'viem';
import { type BasketPool, type BasketProfile, basketArtifact } from './artifact.ts';

/** The profile as viem decodes it: pool kinds as plain numbers. */
type RawProfile = Omit<BasketProfile, 'pools'> & {
  readonly pools: readonly { kind: number; tokenA: Address; tokenB: Address; fee: number; poolId: Hex }[];
};

function toProfile(p: RawProfile): BasketProfile {
  return {
    targetBps: [...p.targetBps],
    bandAbsBps: p.bandAbsBps,
    bandRelBps: p.bandRelBps,
    calendar: p.calendar,
    minInterval: p.minInterval,
    maxLossBps: p.maxLossBps,
    maxTurnoverBps: p.maxTurnoverBps,
    keeper: p.keeper,
    keeperWindow: p.keeperWindow,
    feeBps: p.feeBps,
    feeRecipient: p.feeRecipient,
    feeds: p.feeds.map((f) => ({
      feed: f.feed,
      heartbeat: f.heartbeat,
      minAnswer: f.minAnswer,
      maxAnswer: f.maxAnswer,
    })),
    pools: p.pools.map(
      (x): BasketPool => ({
        kind: x.kind === 0 || x.kind === 1 || x.kind === 2 || x.kind === 4 ? x.kind : 0,
        tokenA: x.tokenA,
        tokenB: x.tokenB,
        fee: x.fee,
        poolId: x.poolId,
      }),
    ),
  };
}

export interface BasketState {
  readonly assets: readonly Address[];
  readonly profile: BasketProfile;
  /** The proposed profile and the time it may apply from; undefined when nothing is pending. */
  readonly pending?: { readonly profile: BasketProfile; readonly eta: bigint };
  readonly profileDelay: number;
  /** Unix seconds of the last rebalance (the deployment before the first). */
  readonly lastRebalance: bigint;
  /** From then on anyone may call rebalance (2^256 − 1: never, keeperWindow 0). */
  readonly openToAllAt: bigint;
  readonly totalSupply: bigint;
  /** Fee shares that the next issue, redeem or rebalance mints first. */
  readonly pendingFeeShares: bigint;
  readonly virtualShares: bigint;
  readonly maxFeeBps: number;
}

export async function readBasket(client: PublicClient, basket: Address): Promise<BasketState> {
  const abi = basketArtifact().abi;
  const read = (functionName: string) => client.readContract({ address: basket, abi, functionName });
  const [assets, profile, pending, profileDelay, lastRebalance, openToAllAt, totalSupply, fee, vs, maxFee] =
    await Promise.all([
      read('assets'),
      read('profile'),
      read('pendingProfile'),
      read('profileDelay'),
      read('lastRebalance'),
      read('openToAllAt'),
      read('totalSupply'),
      read('pendingFeeShares'),
      read('virtualShares'),
      read('maxFeeBps'),
    ]);
  const [pp, eta] = pending as readonly [RawProfile, bigint];
  return {
    assets: assets as readonly Address[],
    profile: toProfile(profile as RawProfile),
    ...(eta === 0n ? {} : { pending: { profile: toProfile(pp), eta } }),
    profileDelay: profileDelay as number,
    lastRebalance: lastRebalance as bigint,
    openToAllAt: openToAllAt as bigint,
    totalSupply: totalSupply as bigint,
    pendingFeeShares: fee as bigint,
    virtualShares: vs as bigint,
    maxFeeBps: maxFee as number,
  };
}

/** The NAV inputs: each asset's balance and USD × 1e18 value at the basket's validated feeds, and their sum. */
export interface BasketValuation {
  readonly balances: readonly bigint[];
  readonly values: readonly bigint[];
  readonly nav: bigint;
}

/** Reverts (StaleOracle, OracleOutOfBounds, BadOracle) when a feed fails the basket's checks. */
export async function readValuation(client: PublicClient, basket: Address): Promise<BasketValuation> {
  const [balances, values, nav] = (await client.readContract({
    address: basket,
    abi: basketArtifact().abi,
    functionName: 'valuation',
  })) as readonly [readonly bigint[], readonly bigint[], bigint];
  return { balances, values, nav };
}

/** What issue(shares) pulls of each asset, exact in the same block. */
export async function previewIssue(client: PublicClient, basket: Address, shares: bigint): Promise<readonly bigint[]> {
  return (await client.readContract({
    address: basket,
    abi: basketArtifact().abi,
    functionName: 'previewIssue',
    args: [shares],
  })) as readonly bigint[];
}

/** What redeem(shares) pays of each asset, exact in the same block. */
export async function previewRedeem(client: PublicClient, basket: Address, shares: bigint): Promise<readonly bigint[]> {
  return (await client.readContract({
    address: basket,
    abi: basketArtifact().abi,
    functionName: 'previewRedeem',
    args: [shares],
  })) as readonly bigint[];
}
