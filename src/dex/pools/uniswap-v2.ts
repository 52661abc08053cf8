/**
 * Uniswap v2 constant-product pool: the pair contract's integer formula
 * (UniswapV2Library.getAmountOut, fee 0.3% as 997/1000), exact to the wei.
 */
import { badState, checkAmountIn, pairIndices } from './errors.ts';
import type { Address, SwapPool, V2State } from './types.ts';

/** Gas of one v2 swap leg: Router02.swapExactTokensForTokens, one hop, measured on anvil (shared/notes/local-evm-stack.md). */
export const V2_GAS = 87_600;

/** UniswapV2Library.getAmountOut: floor(aIn*997*rOut / (rIn*1000 + aIn*997)). 0n for empty input or reserves. */
export function v2AmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountIn <= 0n || reserveIn <= 0n || reserveOut <= 0n) return 0n;
  const amountInWithFee = amountIn * 997n;
  return (amountInWithFee * reserveOut) / (reserveIn * 1000n + amountInWithFee);
}

/** UniswapV2Library.getAmountIn: the smallest input that yields amountOut (0n when amountOut >= reserveOut: impossible). */
export function v2AmountIn(amountOut: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (amountOut <= 0n || reserveIn <= 0n || amountOut >= reserveOut) return 0n;
  return (reserveIn * amountOut * 1000n) / ((reserveOut - amountOut) * 997n) + 1n;
}

/** d(out)/d(in) of the real-valued formula at input x: 997*1000*rIn*rOut / (1000*rIn + 997*x)^2. */
export function v2Marginal(x: number, reserveIn: number, reserveOut: number): number {
  if (reserveIn <= 0 || reserveOut <= 0) return 0;
  const d = 1000 * reserveIn + 997 * Math.max(0, x);
  return (997 * 1000 * reserveIn * reserveOut) / (d * d);
}

export function createV2Pool(state: V2State, gas: number = V2_GAS): SwapPool {
  const id = state.address.toLowerCase();
  if (state.reserve0 < 0n) badState(id, 'reserve0', 'is negative');
  if (state.reserve1 < 0n) badState(id, 'reserve1', 'is negative');
  const tokens: readonly Address[] = [state.token0, state.token1];
  const reserves = [state.reserve0, state.reserve1];
  const reservesF = [Number(state.reserve0), Number(state.reserve1)];
  return {
    id,
    protocol: 'uniswap-v2',
    tokens,
    gas,
    amountOut(tokenIn, tokenOut, amountIn) {
      const [i, j] = pairIndices(id, tokens, tokenIn, tokenOut);
      checkAmountIn(id, amountIn);
      return v2AmountOut(amountIn, reserves[i], reserves[j]);
    },
    marginal(tokenIn, tokenOut, x) {
      const [i, j] = pairIndices(id, tokens, tokenIn, tokenOut);
      return v2Marginal(x, reservesF[i], reservesF[j]);
    },
    maxIn(tokenIn, tokenOut) {
      pairIndices(id, tokens, tokenIn, tokenOut);
      return Number.POSITIVE_INFINITY;
    },
  };
}
