/**
 * The basket's legs, one code path for `ballast vault rebalance` and the service's keeper (issues #21 item 2,
 * #22 item 2): trades (the profile's targets for the CLI, the service's decision for the keeper) netted across
 * assets, sized exactly at the basket's validated feeds against what it can sell now, routed by the joint router
 * over the Uniswap v2/v3 and Balancer pools the profile allows (`allowedPools`), turned into legs by `basketLegs`;
 * in a sleeve basket, the sleeve's withdrawals and supplies around them (sleeve-legs.ts, with "withdraw limited"
 * when the reserve's liquidity caps a sell). The result is run through `checkBasketRebalance` before anything is
 * signed.
 */
import type { Address, PublicClient } from 'viem';
import { prepareMarket } from '../../dex/router/joint/index.ts';
import { readPoolStates } from '../../dex/state/index.ts';
import type { Fixture } from '../fixture/types.ts';
import { limitSwaps } from '../lending/idle-batch.ts';
import type { FeedConfig, ValidPrice } from '../oracles/feeds.ts';
import { type Batch, buildBatch, type RebalanceToken, sizeTrades } from '../rebalance/build.ts';
import { type NettedSwap, netTrades } from '../rebalance/net.ts';
import type { BasketLeg } from './artifact.ts';
import { checkBasketRebalance } from './check.ts';
import {
  allowedPools,
  type BasketPlan,
  type BasketSnapshot,
  basketLegs,
  checkInput,
  type PlanOptions,
  readSnapshot,
} from './plan.ts';
import type { ResolvedSleeve } from './sleeve.ts';
import { idleStateOf, legsAroundSwaps, type SleeveLegsPlan } from './sleeve-legs.ts';

export interface BasketLegs {
  readonly legs: readonly BasketLeg[];
  readonly expectedOuts: readonly bigint[];
  readonly minOuts: readonly bigint[];
  readonly batch?: Batch;
  /** A sleeve basket: its withdrawals, supplies and "withdraw limited" reasons. */
  readonly sleeve?: SleeveLegsPlan;
}

export const symbolIn = (fx: Fixture, a: Address): string =>
  fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.symbol ?? a;

/** Legs for `trades` (quote units) on the snapshot's state; no legs when nothing is left to trade. */
export async function legsForTrades(
  client: PublicClient,
  fx: Fixture,
  s: BasketSnapshot,
  trades: readonly { asset: string; side: 'buy' | 'sell'; notional: number }[],
  o: { quote: string; maxSlippageBps: number; deadline: bigint; gasPriceWei?: bigint; sleeve?: ResolvedSleeve },
): Promise<BasketLegs> {
  const { assets, profile } = s.state;
  const symbols = assets.map((a) => symbolIn(fx, a));
  const tokens = new Map<string, RebalanceToken>(
    assets.map((a, i) => [symbols[i]!, { symbol: symbols[i]!, address: a, decimals: s.tokenDecimals[i]! }]),
  );
  const prices = new Map<string, ValidPrice>();
  const feeds: Record<string, FeedConfig> = {};
  assets.forEach((a, i) => {
    const f = s.feeds[i]!;
    const feed = profile.feeds[i]!.feed;
    prices.set(a.toLowerCase(), { ...f, feed, symbol: symbols[i]!, usd: Number(f.answer) / 10 ** f.decimals });
    feeds[symbols[i]!] = { address: feed, heartbeatSec: f.heartbeat, marginSec: 0 };
  });
  const wallet = new Map(assets.map((a, i) => [a.toLowerCase(), s.wallet[i]!]));
  let swaps: NettedSwap[] = netTrades(trades, o.quote);
  let sellable: ReadonlyMap<string, bigint> = wallet;
  let limits = { scale: 1, limited: [] as SleeveLegsPlan['limited'] };
  const resolved = o.sleeve ?? assets.map(() => undefined);
  if (s.sleeve) {
    const lim = limitSwaps(swaps, tokens, prices, o.quote, wallet, idleStateOf(s, s.sleeve, symbols, resolved));
    swaps = lim.swaps;
    sellable = lim.sellable;
    limits = { scale: lim.scale, limited: lim.limited };
  }
  const sizes = sizeTrades(swaps, tokens, prices, o.quote, sellable);
  const pools = allowedPools(fx, profile.pools);
  let routed: { legs: BasketLeg[]; expectedOuts: bigint[]; minOuts: bigint[]; batch?: Batch } = {
    legs: [],
    expectedOuts: [],
    minOuts: [],
  };
  if (sizes.sells.length > 0 && pools.length > 0) {
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
      quote: o.quote,
      market: prepareMarket(snap.states),
      poolInfo: pools,
      contracts: fx.contracts,
      executor: s.basket,
      owner: s.basket,
      deadline: o.deadline,
      gasPriceWei: o.gasPriceWei ?? 0n,
      maxSlippageBps: o.maxSlippageBps,
    });
    routed = { ...basketLegs(batch, pools), batch };
  }
  if (!s.sleeve) return routed;
  const around = legsAroundSwaps(s, s.sleeve, symbols, resolved, routed, limits);
  return {
    legs: around.legs,
    minOuts: around.minOuts,
    expectedOuts: around.expectedOuts,
    ...(routed.batch ? { batch: routed.batch } : {}),
    sleeve: around.plan,
  };
}

/**
 * Plans legs to the profile's targets (a `fraction` of the way) on the current state and checks them as the
 * contract will: the trades of `ballast vault rebalance`, then the same `legsForTrades` as the keeper.
 */
export async function planBasketRebalance(
  client: PublicClient,
  fx: Fixture,
  basket: Address,
  o: PlanOptions,
): Promise<BasketPlan> {
  const s = await readSnapshot(client, basket);
  const deadline = s.now + BigInt(o.deadlineSec ?? 600);
  const { assets, profile } = s.state;
  const usd = assets.map(
    (_, i) =>
      Number(
        (s.balances[i]! * s.feeds[i]!.answer * 10n ** 18n) / 10n ** BigInt(s.tokenDecimals[i]! + s.feeds[i]!.decimals),
      ) / 1e18,
  );
  const nav = usd.reduce((a, x) => a + x, 0);
  const frac = o.fraction ?? 1;
  const quote = symbolIn(fx, assets[0]!);
  const quoteUsd = Number(s.feeds[0]!.answer) / 10 ** s.feeds[0]!.decimals;
  const trades = assets.map((a, i) => {
    const delta = ((nav * profile.targetBps[i]!) / 10_000 - usd[i]!) * frac;
    return {
      asset: symbolIn(fx, a),
      side: delta > 0 ? ('buy' as const) : ('sell' as const),
      notional: Math.abs(delta) / quoteUsd,
    };
  });
  const built = await legsForTrades(client, fx, s, trades, {
    quote,
    maxSlippageBps: o.maxSlippageBps,
    deadline,
    ...(o.gasPriceWei !== undefined ? { gasPriceWei: o.gasPriceWei } : {}),
    ...(o.sleeve ? { sleeve: o.sleeve } : {}),
  });
  return {
    snapshot: s,
    legs: built.legs,
    minOuts: built.minOuts,
    expectedOuts: built.expectedOuts,
    deadline,
    ...(built.batch ? { batch: built.batch } : {}),
    ...(built.sleeve ? { sleeve: built.sleeve } : {}),
    check: checkBasketRebalance(checkInput(s, o.caller, built.legs, built.minOuts, built.expectedOuts, deadline)),
  };
}
