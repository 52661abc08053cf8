/**
 * Netted swaps → one executor batch (issue #8 §1–2, issue #18): the trades are sized per token (exact sells,
 * buy targets in USD), routed TOGETHER by the joint router over every pool and path of up to three pools (a pool
 * shared by several trades is used once with their combined flow), and its legs — already in execution order,
 * each simulated on the snapshot after the legs before it — are encoded for the executor with
 * minOut = simulated·(1 − maxSlippageBps/1e4); exact pulls from the owner; the oracle valuation of the final
 * outputs with minTotalValue = (1 − maxSlippageBps/1e4) × their expected value.
 */
import type { Address } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import {
  type JointBuy,
  type JointRoute,
  type JointSell,
  type Market,
  routeJoint,
} from '../../dex/router/joint/index.ts';
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

/** What to trade, sized once from the plan: exact sells, buy targets in USD (kept when re-quoting). */
export interface TradeSizes {
  readonly swaps: readonly NettedSwap[];
  readonly sells: readonly JointSell[];
  readonly buys: readonly JointBuy[];
}

export interface BatchInput {
  readonly sizes: TradeSizes;
  /** By symbol. */
  readonly tokens: ReadonlyMap<string, RebalanceToken>;
  /** Validated oracle prices by lower-case token address. */
  readonly prices: ReadonlyMap<string, ValidPrice>;
  readonly feeds: Readonly<Record<string, FeedConfig | undefined>>;
  readonly quote: string;
  /** The pool snapshot (prepareMarket of the states read at one block). */
  readonly market: Market;
  readonly poolInfo: readonly FixturePool[];
  readonly contracts: FixtureContracts;
  readonly executor: Address;
  /** Receives every final output directly (the executor's owner). */
  readonly owner: Address;
  readonly deadline: bigint;
  readonly gasPriceWei: bigint;
  readonly maxSlippageBps: number;
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

export interface Batch {
  readonly sizes: TradeSizes;
  readonly route: JointRoute;
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

/** Largest certificate gap (upper bound / achieved − 1) a batch may be sent with: 1 bp. */
export const MAX_ROUTE_GAP = 1e-4;

/**
 * Refuses a route its own certificate does not vouch for: a dual solve that did not converge, or an arbitrage
 * loop in the pools larger than the trades, which legs run one after the other cannot finance (docs/dex-routing.md).
 */
export function checkRouteGap(route: JointRoute): void {
  const c = route.certificate;
  if (!(c.gap <= MAX_ROUTE_GAP))
    throw new RebalanceBuildError(
      `the joint route obtains ${(c.achieved * 100).toFixed(3)}% of the targets where ${(c.upperBound * 100).toFixed(3)}% is possible (gap ${c.gap.toExponential(2)} > ${MAX_ROUTE_GAP}): nothing sent; try again next block`,
      { next: 'next-cycle', details: { gap: c.gap, residual: c.residual } },
    );
}

export function slipMin(x: bigint, bps: number): bigint {
  return (x * BigInt(10_000 - bps)) / 10_000n;
}

/** USD × 1e18 of `amount` base units at a validated price. */
export function usdE18(amount: bigint, p: ValidPrice, decimals: number): bigint {
  return (amount * p.answer * 10n ** 18n) / 10n ** BigInt(decimals + p.decimals);
}

function checkSlippage(bps: number): void {
  if (!(Number.isInteger(bps) && bps >= 0 && bps < 10_000))
    throw new RebalanceBuildError(`maxSlippageBps must be an integer in [0, 10000), got ${bps}`);
}

/**
 * Netted swaps (values in the quote) → exact sells per token (base units, never above the owner's balance) and
 * buy targets per token in USD.
 */
export function sizeTrades(
  swaps: readonly NettedSwap[],
  tokens: ReadonlyMap<string, RebalanceToken>,
  prices: ReadonlyMap<string, ValidPrice>,
  quote: string,
  balances?: ReadonlyMap<string, bigint>,
): TradeSizes {
  const tok = (s: string) => need(tokens.get(s), `no token address for ${s}: add it to chain.tokens`);
  const price = (t: RebalanceToken) => need(prices.get(t.address.toLowerCase()), `no validated price for ${t.symbol}`);
  const quoteUsd = price(tok(quote)).usd;
  const left = new Map(balances ?? []);
  const sells = new Map<string, JointSell>();
  const buys = new Map<string, JointBuy>();
  const kept: NettedSwap[] = [];
  for (const s of swaps) {
    const tin = tok(s.sell);
    const tout = tok(s.buy);
    const pin = price(tin);
    const key = tin.address.toLowerCase();
    let amountIn = BigInt(Math.floor(((s.value * quoteUsd) / pin.usd) * 10 ** tin.decimals));
    const have = left.get(key);
    if (have !== undefined && amountIn > have) amountIn = have; // float rounding of a full sell
    if (have !== undefined) left.set(key, have - amountIn);
    if (amountIn <= 0n) continue;
    kept.push(s);
    sells.set(key, { token: tin.address, amount: (sells.get(key)?.amount ?? 0n) + amountIn });
    const ko = tout.address.toLowerCase();
    buys.set(ko, { token: tout.address, value: (buys.get(ko)?.value ?? 0) + s.value * quoteUsd });
  }
  return { swaps: kept, sells: [...sells.values()], buys: [...buys.values()] };
}

export function buildBatch(b: BatchInput): Batch {
  checkSlippage(b.maxSlippageBps);
  const byAddr = new Map([...b.tokens.values()].map((t) => [t.address.toLowerCase(), t]));
  const tokOf = (a: string) => need(byAddr.get(a.toLowerCase()), `token ${a} is not in chain.tokens`);
  const price = (t: RebalanceToken) =>
    need(b.prices.get(t.address.toLowerCase()), `no validated price for ${t.symbol}`);
  const weth = b.prices.get(b.contracts.weth9.toLowerCase());
  const usdPerUnit = new Map(
    [...b.tokens.values()].map((t) => [t.address.toLowerCase(), price(t).usd / 10 ** t.decimals]),
  );
  const route = routeJoint({
    market: b.market,
    sells: b.sizes.sells,
    buys: b.sizes.buys,
    prices: usdPerUnit,
    gasPriceWei: b.gasPriceWei,
    ethPrice: weth?.usd ?? 0,
  });
  const byPool = new Map(b.poolInfo.map((p) => [p.address.toLowerCase(), p]));
  const legs: ExecutorLeg[] = route.legs.map((l) =>
    encodeLeg(
      {
        pool: need(byPool.get(l.pool.toLowerCase()), `pool ${l.pool} is not in the chain file`),
        tokenIn: l.tokenIn,
        tokenOut: l.tokenOut,
        amountIn: l.amountIn,
        minOut: slipMin(l.amountOut, b.maxSlippageBps),
      },
      b.contracts,
      b.executor,
      b.deadline,
      l.final ? b.owner : b.executor,
    ),
  );
  // the executor values the final legs' outputs (a bought token also forwarded comes back with the sweep)
  const outTokens = new Map<string, RebalanceToken>();
  let expectedValue = 0n;
  for (const l of route.legs) {
    if (!l.final) continue;
    const t = tokOf(l.tokenOut);
    outTokens.set(t.address.toLowerCase(), t);
    expectedValue += usdE18(l.amountOut, price(t), t.decimals);
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
    sizes: b.sizes,
    route,
    pulls: route.spent.map((x) => ({ token: x.token, amount: x.amount })),
    legs,
    valuations,
    expectedValue,
    minTotalValue: slipMin(expectedValue, b.maxSlippageBps),
    deadline: b.deadline,
  };
}
