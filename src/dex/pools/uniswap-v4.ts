/**
 * Uniswap v4 (hook-less pools) as a SwapPool. The swap loop of v4-core's Pool.swap is v3's: same TickMath,
 * SqrtPriceMath, SwapMath (fee in pips), TickBitmap word boundaries and exact-input rounding, so the exact amounts
 * come from the v3 port (v3-swap.ts) over the v4 state. What differs is around the loop: the pool is a PoolKey in
 * the PoolManager (id = PoolId), any tick spacing, the fee is the slot0 LP fee, and hooks or a protocol fee could
 * change amounts, so both are refused here.
 */
import { badState } from './errors.ts';
import type { Address, SwapPool, V3State, V4State } from './types.ts';
import { createV3Pool } from './uniswap-v3.ts';
import type { V3SwapResult } from './v3-swap.ts';

/**
 * Gas of one v4 leg inside the single unlock of contracts/src/lean/V4Swaps.sol: the measured marginal gas of one
 * more swap on another pool (swap + its share of settle/take), without tick crossing (docs/benchmarks.md,
 * test/chain/v4-swaps.test.ts).
 */
export const V4_GAS = 53_000;

const ZERO = '0x0000000000000000000000000000000000000000';

/** The v3 state the shared swap loop runs on. */
export function v3View(state: V4State): V3State {
  return {
    kind: 'uniswap-v3',
    address: state.address,
    token0: state.token0,
    token1: state.token1,
    fee: state.fee,
    tickSpacing: state.tickSpacing,
    sqrtPriceX96: state.sqrtPriceX96,
    tick: state.tick,
    liquidity: state.liquidity,
    ticks: state.ticks,
  };
}

export function createV4Pool(
  state: V4State,
  gas: number = V4_GAS,
): SwapPool & { swap(tokenIn: Address, tokenOut: Address, amountIn: bigint): V3SwapResult } {
  const id = state.address.toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(id)) badState(id, 'address', 'is not a 32-byte PoolId');
  if (state.hooks.toLowerCase() !== ZERO) badState(id, 'hooks', `${state.hooks}: pools with hooks are not supported`);
  if (!Number.isInteger(state.tickSpacing) || state.tickSpacing < 1 || state.tickSpacing > 32767)
    badState(id, 'tickSpacing', `${state.tickSpacing} is outside v4's [1, 32767]`);
  if (state.token0.toLowerCase() >= state.token1.toLowerCase())
    badState(id, 'token0', 'must sort below token1 (PoolKey currency order)');
  const v3 = createV3Pool(v3View(state), gas);
  return { ...v3, id, protocol: 'uniswap-v4' };
}
