/**
 * Balancer v2 stable pool (legacy StablePool, 20220609-stable-pool-v2), GIVEN_IN swaps as Vault.queryBatchSwap
 * computes them: fee subtracted from amountIn with mulUp, balances and amount upscaled by 10^(18-decimals),
 * StableMath._calcOutGivenIn, result downscaled rounding down.
 */

import { ONE } from './balancer-fixed-point.ts';
import { stableCalcOutGivenIn } from './balancer-stable-math.ts';
import { subtractSwapFee } from './balancer-weighted.ts';
import { badState, guardedAmountOut, pairIndices } from './errors.ts';
import { stableInvariantFloat, stableMarginal } from './stable-marginal.ts';
import type { Address, StableState, SwapPool } from './types.ts';

/**
 * Gas of one Balancer stable swap leg: an estimate (weighted 98k measured + ~15-25k for the Newton loops of the
 * invariant and the balance); the chain developer's measurement should override it via createPool(state, gas).
 */
export const STABLE_GAS = 115_000;

/** The full onSwap GIVEN_IN path on raw token units. */
export function balancerStableAmountOut(state: StableState, i: number, j: number, amountIn: bigint): bigint {
  const scale = state.decimals.map((d) => 10n ** BigInt(18 - d));
  const afterFee = subtractSwapFee(amountIn, state.swapFeePercentage);
  const balances = state.balances.map((b, k) => b * scale[k]);
  const out = stableCalcOutGivenIn(state.amp, balances, i, j, afterFee * scale[i], state.mathVersion ?? 2);
  return out / scale[j];
}

function validate(state: StableState): void {
  const id = state.address.toLowerCase();
  const n = state.tokens.length;
  if (n < 2 || n > 5) badState(id, 'tokens', `has ${n} tokens, a stable pool has 2..5`);
  for (const [f, arr] of [
    ['balances', state.balances],
    ['decimals', state.decimals],
  ] as const) {
    if (arr.length !== n) badState(id, f, `has ${arr.length} entries for ${n} tokens`);
  }
  state.decimals.forEach((d, k) => {
    if (!Number.isInteger(d) || d < 0 || d > 18) badState(id, `decimals[${k}]`, `is ${d}, expected 0..18`);
  });
  if (state.amp < 1000n || state.amp > 5_000_000n)
    badState(id, 'amp', `is ${state.amp}; pass getAmplificationParameter().value (A x 1e3)`);
  if (state.swapFeePercentage < 0n || state.swapFeePercentage >= ONE)
    badState(id, 'swapFeePercentage', 'is outside [0, 1e18)');
}

export function createBalancerStablePool(state: StableState, gas: number = STABLE_GAS): SwapPool {
  validate(state);
  const id = state.address.toLowerCase();
  const scaled = state.balances.map((b, k) => Number(b) * 10 ** (18 - state.decimals[k]));
  const fee = Number(state.swapFeePercentage) / 1e18;
  const ann = (Number(state.amp) / 1000) * state.tokens.length; // amp is A·n^(n-1)·1e3, so this is A·n^n
  const dF = stableInvariantFloat(ann, scaled);
  return {
    id,
    protocol: 'balancer-stable',
    tokens: state.tokens,
    gas,
    amountOut(tokenIn: Address, tokenOut: Address, amountIn: bigint) {
      return guardedAmountOut(id, state.tokens, tokenIn, tokenOut, amountIn, (i, j) => {
        const out = balancerStableAmountOut(state, i, j, amountIn);
        return out > 0n ? out : 0n;
      });
    },
    marginal(tokenIn: Address, tokenOut: Address, x: number) {
      const [i, j] = pairIndices(id, state.tokens, tokenIn, tokenOut);
      const sIn = 10 ** (18 - state.decimals[i]);
      const sOut = 10 ** (18 - state.decimals[j]);
      return (stableMarginal(ann, scaled, dF, i, j, Math.max(0, x) * (1 - fee) * sIn) * (1 - fee) * sIn) / sOut;
    },
    maxIn(tokenIn: Address, tokenOut: Address) {
      pairIndices(id, state.tokens, tokenIn, tokenOut);
      return Number.POSITIVE_INFINITY;
    },
  };
}
