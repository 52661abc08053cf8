/**
 * What the deleverage (lever-plan.ts) and the lever up (lever-up-plan.ts) share (issue #23): the position's
 * asset as read from the Pool, the joint router's inputs (the pools' states read now, never a Balancer pool: the
 * Vault's flash loan and its swaps share one reentrancy lock; USD per base unit at the validated oracles; the gas
 * price), the checks every lever route passes (pools traded, each swap against the oracles, the route's gap) and
 * the loan's Uniswap v3 pool fields when that lender is chosen.
 */
import type { Address, PublicClient } from 'viem';
import type { Funding } from '../../core/lending/flash-funding.ts';
import { type JointRoute, prepareMarket, routeJoint } from '../../dex/router/joint/index.ts';
import { encodeSteps } from '../executor/legs.ts';
import { readRouteStates, routePools } from '../fixture/route-pools.ts';
import type { Fixture } from '../fixture/types.ts';
import type { ValidPrice } from '../oracles/feeds.ts';
import { checkExecutionPrices } from '../oracles/guard.ts';
import { checkPoolsTraded, checkRouteGap, slipMin } from '../rebalance/build.ts';
import type { Reserve } from './position.ts';

/** One asset of the position: its token and its Aave reserve. */
export interface LeverAsset {
  readonly symbol: string;
  readonly address: Address;
  readonly decimals: number;
  readonly reserve: Reserve;
}

export interface GuardToken {
  readonly symbol: string;
  readonly address: Address;
  readonly decimals: number;
}

export interface LeverRouteContext {
  readonly states: Awaited<ReturnType<typeof readRouteStates>>;
  readonly info: ReturnType<typeof routePools>;
  /** Lower-case addresses of the Balancer pools (never routed through). */
  readonly exclude: ReadonlySet<string>;
  /** USD per base unit of every priced token (lower-case address). */
  readonly usdPerUnit: ReadonlyMap<string, number>;
  readonly ethPrice: number;
  readonly gasPriceWei: bigint;
}

export async function leverRouteContext(
  client: PublicClient,
  f: Fixture,
  prices: ReadonlyMap<string, ValidPrice>,
  guardTokens: readonly GuardToken[],
): Promise<LeverRouteContext> {
  const states = await readRouteStates(client, f);
  const info = routePools(f);
  const exclude = new Set(info.filter((x) => x.protocol.startsWith('balancer')).map((x) => x.address.toLowerCase()));
  const usdPerUnit = new Map(
    [...prices.entries()].map(([a, v]) => [
      a,
      v.usd / 10 ** (guardTokens.find((t) => t.address.toLowerCase() === a)?.decimals ?? 18),
    ]),
  );
  const ethPrice = prices.get(f.contracts.weth9.toLowerCase())?.usd ?? 0;
  return { states, info, exclude, usdPerUnit, ethPrice, gasPriceWei: await client.getGasPrice() };
}

/** Every lever route: only pools the executor trades, each swap within maxDeviationBps of the oracles, no gap. */
export function checkLeverRoute(
  route: JointRoute,
  ctx: LeverRouteContext,
  f: Fixture,
  prices: ReadonlyMap<string, ValidPrice>,
  guardTokens: readonly GuardToken[],
  maxDeviationBps: number,
): void {
  checkPoolsTraded(route, ctx.info, f.contracts);
  const decimals = new Map(guardTokens.map((t) => [t.address.toLowerCase(), t.decimals]));
  checkExecutionPrices(route.legs, prices, decimals, maxDeviationBps);
  checkRouteGap(route);
}

/** A Uniswap v3 loan's pool fields (the pool's other token and its fee tier); none for another lender. */
export function v3LoanFields(
  f: Fixture,
  funding: Funding,
  loanToken: Address,
): { pairToken?: Address; v3Fee?: number } {
  if (funding.lender !== 'uniswap-v3') return {};
  const v3 = f.pools.find((x) => x.address.toLowerCase() === funding.pool?.toLowerCase());
  const pair = v3?.tokens.find((t) => t.toLowerCase() !== loanToken.toLowerCase());
  return v3 && pair ? { pairToken: pair, v3Fee: v3.feePips } : {};
}

type Sells = Parameters<typeof routeJoint>[0]['sells'];
type Buys = Parameters<typeof routeJoint>[0]['buys'];

/**
 * A lever transaction's swaps: the joint route of `sells` into `buys` on the context's pools (never a
 * Balancer pool), and its BallastLeverage steps, each final leg's minimum its simulated output less `slipBps`.
 */
export function routeLever(
  ctx: LeverRouteContext,
  sells: Sells,
  buys: Buys,
  slipBps: number,
): { route: JointRoute; steps: ReturnType<typeof encodeSteps> } {
  const route = routeJoint({
    market: prepareMarket(ctx.states.states),
    sells,
    buys,
    prices: ctx.usdPerUnit,
    gasPriceWei: ctx.gasPriceWei,
    ethPrice: ctx.ethPrice,
    exclude: ctx.exclude,
  });
  const steps = encodeSteps(route.legs, route.spent, ctx.info, (l) => slipMin(l.amountOut, slipBps), {
    fromOwner: false,
  });
  return { route, steps };
}
