/**
 * Aave v3's fixed-point math (WadRayMath and MathUtils of `@aave/core-v3` 1.19.3), in bigint, so that what a
 * reserve pays or charges is computed off-chain to the wei (issue #22). Pure.
 */
export const WAD = 10n ** 18n;
export const RAY = 10n ** 27n;
export const HALF_RAY = RAY / 2n;
export const SECONDS_PER_YEAR = 365n * 86_400n;

/** a × b in ray, rounded half up (WadRayMath.rayMul). */
export function rayMul(a: bigint, b: bigint): bigint {
  return (a * b + HALF_RAY) / RAY;
}

/** a ÷ b in ray, rounded half up (WadRayMath.rayDiv). */
export function rayDiv(a: bigint, b: bigint): bigint {
  return (a * RAY + b / 2n) / b;
}

/** 1 + rate × Δt / year, in ray (MathUtils.calculateLinearInterest): the growth of the liquidity index. */
export function linearInterest(rateRay: bigint, fromSec: bigint, toSec: bigint): bigint {
  return RAY + (rateRay * (toSec - fromSec)) / SECONDS_PER_YEAR;
}

/**
 * (1 + rate / year)^Δt by the first three terms of the binomial expansion, in ray
 * (MathUtils.calculateCompoundedInterest): the growth of the variable borrow index.
 */
export function compoundedInterest(rateRay: bigint, fromSec: bigint, toSec: bigint): bigint {
  const exp = toSec - fromSec;
  if (exp === 0n) return RAY;
  const expMinusOne = exp - 1n;
  const expMinusTwo = exp > 2n ? exp - 2n : 0n;
  const basePowerTwo = rayMul(rateRay, rateRay) / (SECONDS_PER_YEAR * SECONDS_PER_YEAR);
  const basePowerThree = rayMul(basePowerTwo, rateRay) / SECONDS_PER_YEAR;
  const secondTerm = (exp * expMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (exp * expMinusOne * expMinusTwo * basePowerThree) / 6n;
  return RAY + (rateRay * exp) / SECONDS_PER_YEAR + secondTerm + thirdTerm;
}
