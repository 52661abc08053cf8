/** Request, route and certificate of the joint router (issue #18): one convex routing problem per rebalance. */
import type { Address, Protocol } from '../../pools/types.ts';
import type { Market } from './market.ts';

export interface JointSell {
  readonly token: Address;
  /** Exact amount to sell, base units. */
  readonly amount: bigint;
}

export interface JointBuy {
  readonly token: Address;
  /** Target value in the numeraire; the outputs are split between the bought tokens in these proportions. */
  readonly value: number;
}

export interface JointRequest {
  readonly market: Market;
  readonly sells: readonly JointSell[];
  readonly buys: readonly JointBuy[];
  /** Numeraire per base unit (the oracle prices), by lower-case address: every sold and bought token. */
  readonly prices: ReadonlyMap<string, number>;
  /** Gas price in wei; 0n routes without gas costs. */
  readonly gasPriceWei: bigint;
  /** Numeraire value of 1 ETH (prices the gas). */
  readonly ethPrice: number;
  /** Longest path from a sold to a bought token, in pools (default 3). */
  readonly maxHops?: number;
  /** Pool ids (lower-case) left out. */
  readonly exclude?: ReadonlySet<string>;
}

/** One swap through one pool, in execution order. */
export interface JointLeg {
  readonly pool: string;
  readonly protocol: Protocol;
  readonly tokenIn: Address;
  readonly tokenOut: Address;
  readonly amountIn: bigint;
  /** Exact output simulated on the snapshot after the legs before it. */
  readonly amountOut: bigint;
  /** Paid to the owner (a final output); otherwise held by the executor for later legs. */
  readonly final: boolean;
  /** Initialized v3 ticks the swap crosses (0 for other pools). */
  readonly ticksCrossed: number;
  readonly gas: number;
}

export interface TokenAmount {
  readonly token: Address;
  readonly amount: bigint;
}

/**
 * Dual certificate. The dual prices ν (numeraire per base unit, scaled so the targets are worth the plan's value)
 * bound every feasible routing over the kept pools: achieved ≤ upperBound. `gap` = upperBound/achieved − 1.
 * `achieved` = min over bought tokens of received/target, the fraction of the targets obtained.
 */
export interface JointCertificate {
  readonly prices: Readonly<Record<string, number>>;
  readonly upperBound: number;
  readonly achieved: number;
  readonly gap: number;
  /** Largest flow imbalance left by the dual solver, as a fraction of the plan's value. */
  readonly residual: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly solves: number;
  /** Pools used without gas and left out because their surplus did not pay their gas. */
  readonly droppedForGas: readonly string[];
}

export interface JointRoute {
  readonly legs: readonly JointLeg[];
  /** Exact amounts taken from the owner per sold token (the request's amounts unless a pool cap binds). */
  readonly spent: readonly TokenAmount[];
  /** Exact amounts received per token: final legs' outputs plus what the executor returns (leftovers). */
  readonly received: readonly TokenAmount[];
  /** Part of `received` held by the executor at the end (a bought token also forwarded, rounding dust). */
  readonly leftovers: readonly TokenAmount[];
  /** Numeraire value of `received` at the request's prices. */
  readonly value: number;
  readonly gas: number;
  /** Numeraire cost of the gas. */
  readonly gasCost: number;
  /** Longest path, in pools, from a sold token to a final output. */
  readonly hops: number;
  readonly certificate: JointCertificate;
}
