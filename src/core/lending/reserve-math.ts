/**
 * What an aToken or a variable debt redeems to at a time, from a reserve's stored state (issue #22 item 2):
 * the normalized income (ReserveLogic.getNormalizedIncome) and variable debt, and a holder's balance as
 * scaledBalance × index (AToken.balanceOf, VariableDebtToken.balanceOf). Pure: the reads are passed in.
 */
import { compoundedInterest, linearInterest, rayDiv, rayMul } from './ray-math.ts';

/** The fields of Pool.getReserveData that the indexes need (ray rates and indexes, seconds). */
export interface ReserveState {
  readonly liquidityIndex: bigint;
  readonly currentLiquidityRate: bigint;
  readonly variableBorrowIndex: bigint;
  readonly currentVariableBorrowRate: bigint;
  readonly lastUpdateTimestamp: bigint;
}

/** The liquidity index at `nowSec` (ray). */
export function normalizedIncome(r: ReserveState, nowSec: bigint): bigint {
  if (nowSec === r.lastUpdateTimestamp) return r.liquidityIndex;
  return rayMul(linearInterest(r.currentLiquidityRate, r.lastUpdateTimestamp, nowSec), r.liquidityIndex);
}

/** The variable borrow index at `nowSec` (ray). */
export function normalizedVariableDebt(r: ReserveState, nowSec: bigint): bigint {
  if (nowSec === r.lastUpdateTimestamp) return r.variableBorrowIndex;
  return rayMul(compoundedInterest(r.currentVariableBorrowRate, r.lastUpdateTimestamp, nowSec), r.variableBorrowIndex);
}

/** Underlying units a scaled balance redeems to at this index (rounded half up, as the token does). */
export function underlyingOf(scaledBalance: bigint, indexRay: bigint): bigint {
  return rayMul(scaledBalance, indexRay);
}

/** Scaled units minted for a supply of `amount` at this index (ScaledBalanceTokenBase._mintScaled). */
export function scaledOf(amount: bigint, indexRay: bigint): bigint {
  return rayDiv(amount, indexRay);
}
