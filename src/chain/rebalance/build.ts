/**
 * Netted swaps → one executor batch (issue #8 §1–2): each swap routed by the split router over every pool
 * (direct or through hubs, whichever nets more after gas), its legs encoded for the executor with
 * minOut = quote·(1 − maxSlippageBps/1e4), first hops before second hops, exact pulls from the owner, and the
 * oracle valuation of the outputs with minTotalValue = (1 − maxSlippageBps/1e4) × the expected value.
 */
import type { Address } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { SwapPool } from '../../dex/pools/types.ts';
import { route } from '../../dex/router/route.ts';
import type { Route } from '../../dex/router/types.ts';
import type { ExecutorLeg } from '../executor/legs.ts';
import { encodeLeg } from '../executor/legs.ts';
import type { FixtureContracts, FixturePool } from '../fixture/types.ts';
import type { FeedConfig, ValidPrice } from '../oracles/feeds.ts';
import type { NettedSwap } from './net.ts';

export interface RebalanceToken {
  readonly symbol: string;
  readonly address: Address;
  readonly decimals: number;
}

export interface BatchInput {
  readonly swaps: readonly NettedSwap[];
  /** By symbol. */
  readonly tokens: ReadonlyMap<string, RebalanceToken>;
  /** Validated oracle prices by lower-case token address. */
  readonly prices: ReadonlyMap<string, ValidPrice>;
  readonly feeds: Readonly<Record<string, FeedConfig | undefined>>;
  readonly quote: string;
  readonly pools: readonly SwapPool[];
  readonly poolInfo: readonly FixturePool[];
  readonly contracts: FixtureContracts;
  readonly executor: Address;
  /** Receives every final output directly (the executor's owner). */
  readonly owner: Address;
  readonly deadline: bigint;
  readonly gasPriceWei: bigint;
  readonly maxSlippageBps: number;
  /** Owner's balance per lower-case address: a sell never exceeds it. */
  readonly balances?: ReadonlyMap<string, bigint>;
}

export interface Pull {
  readonly token: Address;
  readonly amount: bigint;
}

export interface Valuation {
  readonly token: Address;
  readonly feed: Address;
  readonly maxAge: bigint;
  readonly scale: bigint;
}

export interface RoutedSwap extends NettedSwap {
  readonly route: Route;
}

export interface Batch {
  readonly swaps: readonly RoutedSwap[];
  readonly pulls: readonly Pull[];
  readonly legs: readonly ExecutorLeg[];
  readonly valuations: readonly Valuation[];
  /** USD × 1e18 of the routes' expected outputs at the oracle prices. */
  readonly expectedValue: bigint;
  readonly minTotalValue: bigint;
  readonly deadline: bigint;
}

export class RebalanceBuildError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'RebalanceBuildError';
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new RebalanceBuildError(what);
  return v;
}

export function slipMin(x: bigint, bps: number): bigint {
  return (x * BigInt(10_000 - bps)) / 10_000n;
}

/** USD × 1e18 of `amount` base units at a validated price. */
export function usdE18(amount: bigint, p: ValidPrice, decimals: number): bigint {
  return (amount * p.answer * 10n ** 18n) / 10n ** BigInt(decimals + p.decimals);
}

export function buildBatch(b: BatchInput): Batch {
  if (!(Number.isInteger(b.maxSlippageBps) && b.maxSlippageBps >= 0 && b.maxSlippageBps < 10_000))
    throw new RebalanceBuildError(`maxSlippageBps must be an integer in [0, 10000), got ${b.maxSlippageBps}`);
  const tok = (s: string) => need(b.tokens.get(s), `no token address for ${s}: add it to chain.tokens`);
  const price = (t: RebalanceToken) =>
    need(b.prices.get(t.address.toLowerCase()), `no validated price for ${t.symbol}`);
  const quoteUsd = price(tok(b.quote)).usd;
  const weth = b.contracts.weth9.toLowerCase();
  const wethPrice = b.prices.get(weth);
  const left = new Map(b.balances ?? []);
  const routed: RoutedSwap[] = [];
  for (const s of b.swaps) {
    const tin = tok(s.sell);
    const tout = tok(s.buy);
    const pin = price(tin);
    const pout = price(tout);
    let amountIn = BigInt(Math.floor(((s.value * quoteUsd) / pin.usd) * 10 ** tin.decimals));
    const have = left.get(tin.address.toLowerCase());
    if (have !== undefined && amountIn > have) amountIn = have; // float rounding of a full sell
    if (have !== undefined) left.set(tin.address.toLowerCase(), have - amountIn);
    if (amountIn <= 0n) continue;
    const outPerEth = wethPrice ? (wethPrice.usd / pout.usd) * 10 ** tout.decimals : 0;
    const r = route({
      pools: b.pools,
      tokenIn: tin.address,
      tokenOut: tout.address,
      amountIn,
      gasPriceWei: b.gasPriceWei,
      outPerEth,
    });
    routed.push({ ...s, route: r });
  }
  const byPool = new Map(b.poolInfo.map((p) => [p.address.toLowerCase(), p]));
  const first: ExecutorLeg[] = [];
  const second: ExecutorLeg[] = [];
  const pulls = new Map<string, Pull>();
  const outTokens = new Map<string, RebalanceToken>();
  let expectedValue = 0n;
  for (const s of routed) {
    const tin = tok(s.sell);
    const tout = tok(s.buy);
    const p = pulls.get(tin.address.toLowerCase());
    pulls.set(tin.address.toLowerCase(), { token: tin.address, amount: (p?.amount ?? 0n) + s.route.amountIn });
    outTokens.set(tout.address.toLowerCase(), tout);
    expectedValue += usdE18(s.route.amountOut, price(tout), tout.decimals);
    for (const l of s.route.legs) {
      const pool = need(byPool.get(l.pool.toLowerCase()), `pool ${l.pool} is not in the chain file`);
      const leg = encodeLeg(
        {
          pool,
          tokenIn: l.path[0]!,
          tokenOut: l.path[1]!,
          amountIn: l.amountIn,
          minOut: slipMin(l.amountOut, b.maxSlippageBps),
        },
        b.contracts,
        b.executor,
        b.deadline,
        l.path[1]!.toLowerCase() === tout.address.toLowerCase() ? b.owner : b.executor,
      );
      (l.path[0]!.toLowerCase() === tin.address.toLowerCase() ? first : second).push(leg);
    }
  }
  const valuations: Valuation[] = [...outTokens.values()].map((t) => {
    const f = need(b.feeds[t.symbol], `no feed for ${t.symbol}`);
    return {
      token: t.address,
      feed: f.address,
      maxAge: BigInt(f.heartbeatSec + f.marginSec),
      scale: 10n ** BigInt(t.decimals + price(t).decimals),
    };
  });
  return {
    swaps: routed,
    pulls: [...pulls.values()],
    legs: [...first, ...second],
    valuations,
    expectedValue,
    minTotalValue: slipMin(expectedValue, b.maxSlippageBps),
    deadline: b.deadline,
  };
}
