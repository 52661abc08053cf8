/** Request, route and certificate types of the optimal gas-aware split router (issue #7, section 3). */
import type { Address, Protocol, SwapPool } from '../pools/types.ts';

export interface RouteRequest {
  readonly pools: readonly SwapPool[];
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  /** Exact input, base units of tokenIn. */
  readonly amountIn: bigint;
  /** Gas price in wei; 0n routes without gas costs. */
  readonly gasPriceWei: bigint;
  /** Value of 1 ETH in tokenOut base units (prices gas in the output token). */
  readonly outPerEth: number;
  /** Hub tokens for two-hop paths; default: every token connected to both tokenIn and tokenOut. */
  readonly hubs?: readonly Address[];
}

/** One swap through one pool. First hops consume tokenIn; second hops consume the hub token the first hops produced. */
export interface RouteLeg {
  readonly pool: string;
  readonly protocol: Protocol;
  /** [from, to] of this swap. */
  readonly path: readonly Address[];
  readonly amountIn: bigint;
  readonly amountOut: bigint;
}

/**
 * Optimality certificate of the continuous allocation, evaluated at the final integer amounts.
 * lambda: the common marginal price (tokenOut base units per tokenIn base unit) of every used path.
 * maxRelativeGap: max over used pools of |marginal price of the path through it - lambda| / lambda.
 * maxUnusedRatio: max over kept-but-unused pools of (path marginal price at zero) / lambda (<= 1 at the optimum).
 */
export interface Certificate {
  readonly lambda: number;
  readonly maxRelativeGap: number;
  readonly maxUnusedRatio: number;
  /** Price of each used hub token in tokenOut base units per hub base unit. */
  readonly hubPrices: Readonly<Record<string, number>>;
  /** Pools left out because their gain did not pay their gas (excluded from maxUnusedRatio). */
  readonly droppedForGas: readonly string[];
  /** Pools filled to their maxIn (their marginal may exceed lambda; excluded from maxRelativeGap). */
  readonly saturated: readonly string[];
}

export interface Route {
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  readonly amountIn: bigint;
  /** Exact sum of the legs' outputs into tokenOut. */
  readonly amountOut: bigint;
  /** Sum of the used pools' gas units. */
  readonly gas: number;
  /** Gas cost in tokenOut base units (rounded up). */
  readonly gasCostOut: bigint;
  /** amountOut - gasCostOut. */
  readonly netOut: bigint;
  readonly legs: readonly RouteLeg[];
  /** Shortfall of the average price against the best marginal price at zero size, in bps (fees excluded). */
  readonly priceImpactBps: number;
  readonly certificate: Certificate;
  /** How shared pools are handled (see docs/dex-routing.md). */
  readonly sharing: 'joint';
}
