/**
 * Entry point of the exact pool math: createPool turns a pool state read from chain into a SwapPool.
 * See docs/dex-pools.md for each pool type's math, rounding and reference.
 */
import { PoolMathError } from './errors.ts';
import type { AnyPoolState, SwapPool } from './types.ts';
import { createV2Pool } from './uniswap-v2.ts';
import { createV3Pool } from './uniswap-v3.ts';

export { ChainRevert, PoolMathError } from './errors.ts';
export * from './types.ts';
export { createV2Pool, V2_GAS, v2AmountIn, v2AmountOut } from './uniswap-v2.ts';
export { createV3Pool, V3_GAS } from './uniswap-v3.ts';
export { v3SwapExactIn } from './v3-swap.ts';

/** A SwapPool for the state; `gas` overrides the documented typical gas of one swap leg. */
export function createPool(state: AnyPoolState, gas?: number): SwapPool {
  switch (state.kind) {
    case 'uniswap-v2':
      return createV2Pool(state, gas);
    case 'uniswap-v3':
      return createV3Pool(state, gas);
    default:
      throw new PoolMathError(
        'BAD_STATE',
        `pool kind ${state.kind} is not implemented yet; use uniswap-v2 or uniswap-v3 pools`,
      );
  }
}
