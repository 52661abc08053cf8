/**
 * Port of Balancer v2 StableMath (pkg/pool-stable/contracts/StableMath.sol) for GIVEN_IN swaps:
 * the invariant by Newton iteration (two versions, see StableState.mathVersion), the balance of one token given
 * the invariant, and _calcOutGivenIn. All on upscaled 18-decimal balances; `amp` is A·n^(n-1) times 1e3.
 */

import { add, divDownInt, divUpInt, mul, sub } from './balancer-fixed-point.ts';
import { ChainRevert } from './errors.ts';

export const AMP_PRECISION = 1000n;

/** v2 invariant (20220609-stable-pool-v2, composable stable): Curve's D iteration with D_P, all divisions down. */
export function calculateInvariantV2(amp: bigint, balances: readonly bigint[]): bigint {
  const n = BigInt(balances.length);
  let sum = 0n;
  for (const b of balances) sum = add(sum, b);
  if (sum === 0n) return 0n;
  let invariant = sum;
  const ampTimesTotal = amp * n;
  for (let i = 0; i < 255; i++) {
    let dP = invariant;
    for (const b of balances) dP = divDownInt(mul(dP, invariant), mul(b, n));
    const prev = invariant;
    invariant = divDownInt(
      mul(add(divDownInt(mul(ampTimesTotal, sum), AMP_PRECISION), mul(dP, n)), invariant),
      add(divDownInt(mul(ampTimesTotal - AMP_PRECISION, invariant), AMP_PRECISION), mul(n + 1n, dP)),
    );
    if (invariant > prev ? invariant - prev <= 1n : prev - invariant <= 1n) return invariant;
  }
  throw new ChainRevert('BAL#321 STABLE_INVARIANT_DIDNT_CONVERGE');
}

/** v1 invariant (deprecated 20210624-stable-pool): P_D iteration with explicit rounding direction. */
export function calculateInvariantV1(amp: bigint, balances: readonly bigint[], roundUp: boolean): bigint {
  const n = BigInt(balances.length);
  let sum = 0n;
  for (const b of balances) sum = add(sum, b);
  if (sum === 0n) return 0n;
  const div = (a: bigint, b: bigint, up: boolean) => (up ? divUpInt(a, b) : divDownInt(a, b));
  let invariant = sum;
  const ampTimesTotal = amp * n;
  for (let i = 0; i < 255; i++) {
    let pD = balances[0] * n;
    for (let j = 1; j < balances.length; j++) pD = div(mul(mul(pD, balances[j]), n), invariant, roundUp);
    const prev = invariant;
    invariant = div(
      add(mul(mul(n, invariant), invariant), div(mul(mul(ampTimesTotal, sum), pD), AMP_PRECISION, roundUp)),
      add(mul(n + 1n, invariant), div(mul(ampTimesTotal - AMP_PRECISION, pD), AMP_PRECISION, !roundUp)),
      roundUp,
    );
    if (invariant > prev ? invariant - prev <= 1n : prev - invariant <= 1n) return invariant;
  }
  throw new ChainRevert('BAL#321 STABLE_INVARIANT_DIDNT_CONVERGE');
}

/** _getTokenBalanceGivenInvariantAndAllOtherBalances (same in both versions): rounds the balance up. */
export function getTokenBalanceGivenInvariantAndAllOtherBalances(
  amp: bigint,
  balances: readonly bigint[],
  invariant: bigint,
  tokenIndex: number,
): bigint {
  const n = BigInt(balances.length);
  const ampTimesTotal = amp * n;
  let sum = balances[0];
  let pD = balances[0] * n;
  for (let j = 1; j < balances.length; j++) {
    pD = divDownInt(mul(mul(pD, balances[j]), n), invariant);
    sum = add(sum, balances[j]);
  }
  sum -= balances[tokenIndex];
  const inv2 = mul(invariant, invariant);
  const c = mul(mul(divUpInt(inv2, mul(ampTimesTotal, pD)), AMP_PRECISION), balances[tokenIndex]);
  const b = add(sum, mul(divDownInt(invariant, ampTimesTotal), AMP_PRECISION));
  let tokenBalance = divUpInt(add(inv2, c), add(invariant, b));
  for (let i = 0; i < 255; i++) {
    const prev = tokenBalance;
    tokenBalance = divUpInt(add(mul(tokenBalance, tokenBalance), c), sub(add(mul(tokenBalance, 2n), b), invariant));
    if (tokenBalance > prev ? tokenBalance - prev <= 1n : prev - tokenBalance <= 1n) return tokenBalance;
  }
  throw new ChainRevert('BAL#322 STABLE_GET_BALANCE_DIDNT_CONVERGE');
}

/** StableMath._calcOutGivenIn: balances[out] - finalBalanceOut - 1 (the extra wei rounds in the pool's favour). */
export function stableCalcOutGivenIn(
  amp: bigint,
  balances: readonly bigint[],
  indexIn: number,
  indexOut: number,
  amountIn: bigint,
  version: 1 | 2,
): bigint {
  const invariant = version === 2 ? calculateInvariantV2(amp, balances) : calculateInvariantV1(amp, balances, true);
  const after = balances.slice();
  after[indexIn] = add(after[indexIn], amountIn);
  const finalOut = getTokenBalanceGivenInvariantAndAllOtherBalances(amp, after, invariant, indexOut);
  return sub(sub(balances[indexOut], finalOut), 1n);
}
