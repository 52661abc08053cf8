/**
 * Shared types for exact DEX pool math (issue #7, section 2).
 * Imported by the chain/differential-test developer and by the split router: never rename, only add.
 */
export type Address = `0x${string}`;

export interface TokenInfo {
  readonly address: Address;
  readonly symbol: string;
  readonly decimals: number;
}

export type Protocol =
  | 'uniswap-v2'
  | 'uniswap-v3'
  | 'uniswap-v4'
  | 'balancer-weighted'
  | 'balancer-stable'
  | 'curve-stable';

export interface V2State {
  readonly kind: 'uniswap-v2';
  readonly address: Address;
  readonly token0: Address;
  readonly token1: Address;
  readonly reserve0: bigint;
  readonly reserve1: bigint;
}

export interface V3Tick {
  readonly index: number;
  readonly liquidityNet: bigint;
}

export interface V3State {
  readonly kind: 'uniswap-v3';
  readonly address: Address;
  readonly token0: Address;
  readonly token1: Address;
  /** Fee in pips (hundredths of a basis point): 500, 3000, 10000. */
  readonly fee: number;
  readonly tickSpacing: number;
  readonly sqrtPriceX96: bigint;
  readonly tick: number;
  readonly liquidity: bigint;
  /** All initialized ticks, ascending by index. */
  readonly ticks: readonly V3Tick[];
}

/**
 * A hook-less Uniswap v4 pool: the v3 concentrated-liquidity state, held by the PoolManager and identified by its
 * PoolKey. `address` is the PoolId (bytes32, keccak256(abi.encode(PoolKey))): v4 pools have no address.
 */
export interface V4State {
  readonly kind: 'uniswap-v4';
  /** PoolId (32 bytes), the pool's identity for the router. */
  readonly address: `0x${string}`;
  readonly poolManager: Address;
  /** PoolKey.currency0 / currency1 (currency0 < currency1). */
  readonly token0: Address;
  readonly token1: Address;
  /** LP fee in pips as slot0 holds it (PoolKey.fee for a static-fee pool); the protocol fee must be 0. */
  readonly fee: number;
  readonly tickSpacing: number;
  /** PoolKey.hooks: only address(0) is supported. */
  readonly hooks: Address;
  readonly sqrtPriceX96: bigint;
  readonly tick: number;
  readonly liquidity: bigint;
  /** All initialized ticks, ascending by index. */
  readonly ticks: readonly V3Tick[];
}

export interface WeightedState {
  readonly kind: 'balancer-weighted';
  readonly address: Address;
  readonly poolId: `0x${string}`;
  readonly tokens: readonly Address[];
  /** Raw token units, as returned by Vault.getPoolTokens. */
  readonly balances: readonly bigint[];
  readonly decimals: readonly number[];
  /** Normalized weights, 1e18 = 100%. */
  readonly weights: readonly bigint[];
  /** 1e18 = 100%. */
  readonly swapFeePercentage: bigint;
  /**
   * Which FixedPoint.powUp the pool's bytecode has. 1 (default): 20210418-weighted-pool (always LogExpMath.pow plus
   * its error bound); 2: 20220908-weighted-pool-v2 and later (exact shortcuts for exponents 1, 2 and 4).
   */
  readonly mathVersion?: 1 | 2;
}

export interface StableState {
  readonly kind: 'balancer-stable';
  readonly address: Address;
  readonly poolId: `0x${string}`;
  readonly tokens: readonly Address[];
  readonly balances: readonly bigint[];
  readonly decimals: readonly number[];
  /** As getAmplificationParameter().value, i.e. A times AMP_PRECISION (1e3). */
  readonly amp: bigint;
  /** 1e18 = 100%. */
  readonly swapFeePercentage: bigint;
  /**
   * Which StableMath._calculateInvariant the pool's bytecode has. 2 (default): 20220609-stable-pool-v2 and the
   * composable stable pools (Curve-style D_P iteration, rounding down); 1: deprecated/20210624-stable-pool
   * (P_D iteration with roundUp = true).
   */
  readonly mathVersion?: 1 | 2;
}

/** Curve-style stable-swap pool (off-chain math, see docs/dex-pools.md). */
export interface CurveState {
  readonly kind: 'curve-stable';
  readonly address: Address;
  readonly tokens: readonly Address[];
  /** Raw token units. */
  readonly balances: readonly bigint[];
  readonly decimals: readonly number[];
  /** Amplification coefficient A (plain, not multiplied by any precision). */
  readonly A: bigint;
  /** Fee with 1e10 precision as in Curve's StableSwap (4_000_000n = 0.04%). */
  readonly fee: bigint;
}

export type PoolState = V2State | V3State | V4State | WeightedState | StableState;

/** Every state createPool accepts (PoolState plus the off-chain Curve model). */
export type AnyPoolState = PoolState | CurveState;

/** What the router needs from any pool. */
export interface SwapPool {
  /** Pool address (lower-case 0x hex). */
  readonly id: string;
  readonly protocol: Protocol;
  readonly tokens: readonly Address[];
  /** Gas units of one swap leg through this pool (typical; documented source). */
  readonly gas: number;
  /** Exact output in base units, equal to the chain's result to the wei (or as documented). 0n when the swap is impossible. */
  amountOut(tokenIn: Address, tokenOut: Address, amountIn: bigint): bigint;
  /** d(amountOut)/d(amountIn) at input x (float, base units), the marginal price, for the router's allocation. */
  marginal(tokenIn: Address, tokenOut: Address, x: number): number;
  /** Largest useful input (e.g. v3: to exhaust all liquidity); Infinity when unbounded. */
  maxIn(tokenIn: Address, tokenOut: Address): number;
}
