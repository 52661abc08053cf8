/**
 * The core's trades → the basket's legs (issue #21 item 2): the same path as `planBasketRebalance` (plan.ts),
 * but sized from the trades the service's decision made instead of the profile's targets: netted across assets,
 * sized exactly against the basket's balances at its validated feeds, routed by the joint router over the
 * Uniswap v2/v3 pools the profile allows (`allowedPools`), and turned into legs by `basketLegs`. The caller runs
 * the result through `checkBasketRebalance` before anything is signed.
 */
import type { Address, PublicClient } from 'viem';
import { prepareMarket } from '../../dex/router/joint/index.ts';
import { readPoolStates } from '../../dex/state/index.ts';
import type { Fixture } from '../fixture/types.ts';
import type { FeedConfig, ValidPrice } from '../oracles/feeds.ts';
import { buildBatch, type RebalanceToken, sizeTrades } from '../rebalance/build.ts';
import { netTrades } from '../rebalance/net.ts';
import type { BasketLeg } from './artifact.ts';
import { allowedPools, type BasketSnapshot, basketLegs } from './plan.ts';

export interface BasketLegs {
  readonly legs: readonly BasketLeg[];
  readonly expectedOuts: readonly bigint[];
  readonly minOuts: readonly bigint[];
}

export const symbolIn = (fx: Fixture, a: Address): string =>
  fx.tokens.find((t) => t.address.toLowerCase() === a.toLowerCase())?.symbol ?? a;

/** Legs for `trades` (quote units) on the snapshot's state; no legs when nothing is left to trade. */
export async function legsForTrades(
  client: PublicClient,
  fx: Fixture,
  s: BasketSnapshot,
  trades: readonly { asset: string; side: 'buy' | 'sell'; notional: number }[],
  o: { quote: string; maxSlippageBps: number; deadline: bigint },
): Promise<BasketLegs> {
  const { assets, profile } = s.state;
  const tokens = new Map<string, RebalanceToken>(
    assets.map((a, i) => [symbolIn(fx, a), { symbol: symbolIn(fx, a), address: a, decimals: s.tokenDecimals[i]! }]),
  );
  const prices = new Map<string, ValidPrice>();
  const feeds: Record<string, FeedConfig> = {};
  assets.forEach((a, i) => {
    const f = s.feeds[i]!;
    const feed = profile.feeds[i]!.feed;
    prices.set(a.toLowerCase(), { ...f, feed, symbol: symbolIn(fx, a), usd: Number(f.answer) / 10 ** f.decimals });
    feeds[symbolIn(fx, a)] = { address: feed, heartbeatSec: f.heartbeat, marginSec: 0 };
  });
  const balances = new Map(assets.map((a, i) => [a.toLowerCase(), s.balances[i]!]));
  const sizes = sizeTrades(netTrades(trades, o.quote), tokens, prices, o.quote, balances);
  const pools = allowedPools(fx, profile.pools);
  if (sizes.sells.length === 0 || pools.length === 0) return { legs: [], expectedOuts: [], minOuts: [] };
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
    gasPriceWei: 0n,
    maxSlippageBps: o.maxSlippageBps,
  });
  return basketLegs(batch, pools);
}
