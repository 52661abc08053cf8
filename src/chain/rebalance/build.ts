/**
 * Netted swaps → one executor batch (issue #8 §1–2, issue #18): the trades are sized per token (exact sells,
 * buy targets in USD), routed TOGETHER by the joint router over every pool and path of up to three pools (a pool
 * shared by several trades is used once with their combined flow), and its legs — already in execution order,
 * each simulated on the snapshot after the legs before it — are encoded as executor steps (src/chain/executor/legs.ts)
 * with minOut = simulated·(1 − maxSlippageBps/1e4) on each path's final output; exact pulls from the owner; a
 * rebalance id; maxSlippageBps for the executor's own value floor at the feeds configured on it (issue #30).
 */
import { type Address, encodePacked, type Hex, keccak256, zeroAddress } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import {
  type JointBuy,
  type JointRoute,
  type JointSell,
  type Market,
  routeJoint,
} from '../../dex/router/joint/index.ts';
import { v4PoolId } from '../../dex/state/index.ts';
import { poolSources, uniswapPoolAddress } from '../executor/artifact.ts';
import { type ExecutorStep, encodeSteps } from '../executor/legs.ts';
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
  /** The on-chain rebalance id (rebalanceId(portfolio, cycle)); default keccak(owner, deadline), for dry runs. */
  readonly id?: Hex;
  /**
   * false: every input is pulled into the executor, no step paid straight from the owner's allowance (a Permit2
   * batch, chain.approvals "permit2"; or an idle sleeve's withdrawal paying part of a sold token to the executor
   * before the swaps); default true.
   */
  readonly fromOwner?: boolean;
}

export interface Pull {
  readonly token: Address;
  readonly amount: bigint;
}

export interface Batch {
  readonly id: Hex;
  readonly sizes: TradeSizes;
  readonly route: JointRoute;
  readonly pulls: readonly Pull[];
  /** The executor's steps, in execution order. */
  readonly legs: readonly ExecutorStep[];
  /** USD × 1e18 of the routes' expected outputs at the oracle prices. */
  readonly expectedValue: bigint;
  /** (1 − maxSlippageBps/1e4) × expectedValue: shown; the executor's floor is against the value pulled. */
  readonly minTotalValue: bigint;
  readonly maxSlippageBps: number;
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
  checkPoolsTraded(route, b.poolInfo, b.contracts);
  const pulls = route.spent.map((x) => ({ token: x.token, amount: x.amount }));
  const legs = encodeSteps(route.legs, pulls, b.poolInfo, (l) => slipMin(l.amountOut, b.maxSlippageBps), {
    fromOwner: b.fromOwner !== false,
  });
  // the executor values what it pulls and returns at its own feeds: each such token needs one
  for (const t of [...pulls.map((x) => x.token), ...route.legs.filter((l) => l.final).map((l) => l.tokenOut)])
    need(b.feeds[tokOf(t).symbol], `no feed for ${tokOf(t).symbol}`);
  let expectedValue = 0n;
  for (const l of route.legs) {
    if (!l.final) continue;
    const t = tokOf(l.tokenOut);
    expectedValue += usdE18(l.amountOut, price(t), t.decimals);
  }
  // the executor's value floor, checked here first: what comes back (final outputs and leftovers) against
  // what is pulled, at the same oracle prices
  let valueIn = 0n;
  for (const p of pulls) valueIn += usdE18(p.amount, price(tokOf(p.token)), tokOf(p.token).decimals);
  let valueBack = expectedValue;
  for (const x of route.leftovers) valueBack += usdE18(x.amount, price(tokOf(x.token)), tokOf(x.token).decimals);
  if (valueIn > 0n && valueBack < slipMin(valueIn, b.maxSlippageBps))
    throw new RebalanceBuildError(
      `the route's fees and price impact cost ${Number(((valueIn - valueBack) * 10_000n) / valueIn)} bps of the value traded at the oracles, above maxSlippageBps ${b.maxSlippageBps}: the executor's value floor would revert; nothing sent (trade less per cycle, or raise maxSlippageBps)`,
      { next: 'fix-input', details: { valueIn: String(valueIn), valueBack: String(valueBack) } },
    );
  return {
    sizes: b.sizes,
    route,
    id: b.id ?? keccak256(encodePacked(['address', 'uint256'], [b.owner, b.deadline])),
    pulls,
    legs,
    expectedValue,
    minTotalValue: slipMin(expectedValue, b.maxSlippageBps),
    maxSlippageBps: b.maxSlippageBps,
    deadline: b.deadline,
  };
}

/**
 * The pool checked is the pool traded (issue #30 item 4): every Uniswap pool the route uses must be the one the
 * executor computes from its factories (CREATE2), Balancer pools must carry their Vault pool id, a v4 pool's id must
 * be the hash of the hook-less PoolKey the executor builds from the step.
 */
export function checkPoolsTraded(
  route: JointRoute,
  poolInfo: readonly FixturePool[],
  contracts: FixtureContracts,
): void {
  const byPool = new Map(poolInfo.map((p) => [p.address.toLowerCase(), p]));
  const src = poolSources(contracts);
  for (const l of route.legs) {
    const p = need(byPool.get(l.pool.toLowerCase()), `pool ${l.pool} is not in the chain file`);
    if (p.protocol === 'uniswap-v4') {
      // the executor builds the PoolKey from the step (tokens, fee, tickSpacing, hooks 0): it must hash to the pool
      const key = {
        currency0: p.tokens[0]!,
        currency1: p.tokens[1]!,
        fee: p.feePips,
        tickSpacing: p.tickSpacing ?? 0,
        hooks: zeroAddress,
      };
      if (p.tickSpacing === undefined || v4PoolId(key) !== p.address.toLowerCase())
        throw new RebalanceBuildError(
          `v4 pool ${p.label} (${p.address}) is not the hook-less pool the executor trades for these tokens: fix the chain file`,
        );
      continue;
    }
    if (p.protocol !== 'uniswap-v2' && p.protocol !== 'uniswap-v3') {
      if (!p.poolId) throw new RebalanceBuildError(`Balancer pool ${p.label} has no poolId in the chain file`);
      continue;
    }
    const traded = uniswapPoolAddress(src, l.tokenIn, l.tokenOut, p.protocol === 'uniswap-v3' ? p.feePips : undefined);
    if (traded.toLowerCase() !== p.address.toLowerCase())
      throw new RebalanceBuildError(
        `pool ${p.label} (${p.address}) is not the pool the executor trades for these tokens (${traded}, from the factory): fix the chain file`,
      );
  }
}
