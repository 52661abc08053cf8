/**
 * Entry point of the exact pool math: createPool turns a pool state read from chain into a SwapPool.
 * See docs/dex-pools.md for each pool type's math, rounding, reference and gas figures.
 */
import { createBalancerStablePool } from './balancer-stable.ts';
import { createWeightedPool } from './balancer-weighted.ts';
import { createCurvePool } from './curve-stable.ts';
import type { AnyPoolState, SwapPool } from './types.ts';
import { createV2Pool } from './uniswap-v2.ts';
import { createV3Pool } from './uniswap-v3.ts';
import { createV4Pool } from './uniswap-v4.ts';

export { balancerStableAmountOut, createBalancerStablePool, STABLE_GAS } from './balancer-stable.ts';
export { createWeightedPool, WEIGHTED_GAS, weightedAmountOut } from './balancer-weighted.ts';
export { CURVE_GAS, createCurvePool, curveGetDy } from './curve-stable.ts';
export { ChainRevert, PoolMathError } from './errors.ts';
export * from './types.ts';
export { createV2Pool, V2_GAS, v2AmountIn, v2AmountOut } from './uniswap-v2.ts';
export { createV3Pool, V3_GAS } from './uniswap-v3.ts';
export { createV4Pool, V4_GAS } from './uniswap-v4.ts';
export { type V3SwapResult, v3SwapExactIn } from './v3-swap.ts';

/** A SwapPool for the state; `gas` overrides the documented typical gas of one swap leg. */
export function createPool(state: AnyPoolState, gas?: number): SwapPool {
  switch (state.kind) {
    case 'uniswap-v2':
      return createV2Pool(state, gas);
    case 'uniswap-v3':
      return createV3Pool(state, gas);
    case 'uniswap-v4':
      return createV4Pool(state, gas);
    case 'balancer-weighted':
      return createWeightedPool(state, gas);
    case 'balancer-stable':
      return createBalancerStablePool(state, gas);
    case 'curve-stable':
      return createCurvePool(state, gas);
  }
}
