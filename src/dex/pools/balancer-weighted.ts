/**
 * Balancer v2 weighted pool, GIVEN_IN swaps as Vault.queryBatchSwap computes them:
 * BaseMinimalSwapInfoPool.onSwap (fee taken from amountIn with mulUp, upscale by 10^(18-decimals), math,
 * downscale rounding down) around WeightedMath._calcOutGivenIn.
 */

import { complement, divDown, divUp, mulDown, mulUp, ONE, powUp, sub } from './balancer-fixed-point.ts';
import { badState, ChainRevert, guardedAmountOut, pairIndices } from './errors.ts';
import type { Address, SwapPool, WeightedState } from './types.ts';

/** Gas of one Balancer weighted swap (Vault.swap, GIVEN_IN), measured on anvil (shared/notes/local-evm-stack.md). */
export const WEIGHTED_GAS = 98_000;
/** WeightedMath._MAX_IN_RATIO: an input above 30% of the (upscaled) balance reverts with BAL#304. */
export const MAX_IN_RATIO = 3n * 10n ** 17n;

/** WeightedMath._calcOutGivenIn on upscaled 18-decimal amounts. */
export function calcOutGivenIn(
  balanceIn: bigint,
  weightIn: bigint,
  balanceOut: bigint,
  weightOut: bigint,
  amountIn: bigint,
  version: 1 | 2,
): bigint {
  if (amountIn > mulDown(balanceIn, MAX_IN_RATIO)) throw new ChainRevert('BAL#304 MAX_IN_RATIO');
  const denominator = balanceIn + amountIn;
  const base = divUp(balanceIn, denominator);
  const exponent = divDown(weightIn, weightOut);
  const power = powUp(base, exponent, version);
  return mulDown(balanceOut, complement(power));
}

/** Swap fee taken from a GIVEN_IN amount: amount - mulUp(amount, fee). */
export function subtractSwapFee(amount: bigint, fee: bigint): bigint {
  return sub(amount, mulUp(amount, fee));
}

/** The full onSwap GIVEN_IN path on raw token units: the amount Vault.queryBatchSwap reports as output. */
export function weightedAmountOut(state: WeightedState, i: number, j: number, amountIn: bigint): bigint {
  const sIn = 10n ** BigInt(18 - state.decimals[i]);
  const sOut = 10n ** BigInt(18 - state.decimals[j]);
  const afterFee = subtractSwapFee(amountIn, state.swapFeePercentage);
  const out = calcOutGivenIn(
    state.balances[i] * sIn,
    state.weights[i],
    state.balances[j] * sOut,
    state.weights[j],
    afterFee * sIn,
    state.mathVersion ?? 1,
  );
  return out / sOut;
}

function validate(state: WeightedState): void {
  const id = state.address.toLowerCase();
  const n = state.tokens.length;
  if (n < 2) badState(id, 'tokens', 'has fewer than 2 tokens');
  for (const [f, arr] of [
    ['balances', state.balances],
    ['decimals', state.decimals],
    ['weights', state.weights],
  ] as const) {
    if (arr.length !== n) badState(id, f, `has ${arr.length} entries for ${n} tokens`);
  }
  state.decimals.forEach((d, k) => {
    if (!Number.isInteger(d) || d < 0 || d > 18) badState(id, `decimals[${k}]`, `is ${d}, expected 0..18`);
  });
  state.weights.forEach((w, k) => {
    if (w <= 0n || w >= ONE) badState(id, `weights[${k}]`, `is ${w}, expected a normalized weight in (0, 1e18)`);
  });
  if (state.swapFeePercentage < 0n || state.swapFeePercentage >= ONE)
    badState(id, 'swapFeePercentage', 'is outside [0, 1e18)');
}

export function createWeightedPool(state: WeightedState, gas: number = WEIGHTED_GAS): SwapPool {
  validate(state);
  const id = state.address.toLowerCase();
  const fee = Number(state.swapFeePercentage) / 1e18;
  const bal = state.balances.map(Number);
  const w = state.weights.map((x) => Number(x) / 1e18);
  return {
    id,
    protocol: 'balancer-weighted',
    tokens: state.tokens,
    gas,
    amountOut(tokenIn: Address, tokenOut: Address, amountIn: bigint) {
      return guardedAmountOut(id, state.tokens, tokenIn, tokenOut, amountIn, (i, j) =>
        weightedAmountOut(state, i, j, amountIn),
      );
    },
    /** d/dx of Bo (1 - (Bi / (Bi + x(1-f)))^(wi/wo)) in raw units (the scaling factors cancel). */
    marginal(tokenIn: Address, tokenOut: Address, x: number) {
      const [i, j] = pairIndices(id, state.tokens, tokenIn, tokenOut);
      const g = 1 - fee;
      const xe = Math.max(0, x) * g;
      if (xe > 0.3 * bal[i]) return 0;
      const r = w[i] / w[j];
      return (bal[j] * r * g * (bal[i] / (bal[i] + xe)) ** r) / (bal[i] + xe);
    },
    /** Inputs above 30% of the balance in (after fee) revert on chain (BAL#304). */
    maxIn(tokenIn: Address, tokenOut: Address) {
      const [i] = pairIndices(id, state.tokens, tokenIn, tokenOut);
      return Math.floor((0.3 * bal[i]) / (1 - fee));
    },
  };
}
