/**
 * The executor's Aave steps (contracts/src/lean/AaveSteps.sol, issue #22 item 2): an idle sleeve's withdrawal
 * and supply in the same batch as its swaps. A withdraw step spends a share of the executor's aTokens (pulled
 * from the owner) and pays the underlying to the executor (for the swaps that follow) or to the owner; a supply
 * step spends a share of the executor's underlying (a swap's output left in the executor) and has the aTokens
 * minted to the owner. The contract checks that the aToken is the Pool's for that underlying.
 */
import type { Address, Hex } from 'viem';
import { type ExecutorStep, FROM_PAYER, ONE, TO_OWNER } from '../executor/legs.ts';

export const KIND_AAVE_WITHDRAW = 5;
export const KIND_AAVE_SUPPLY = 6;
const ZERO_ID: Hex = `0x${'0'.repeat(64)}`;

/**
 * Withdraws `share` (× 1e36; default all) of the executor's `aToken` as `asset`, to the executor or the owner;
 * `amount` is what that is planned to be (for display).
 */
export function aaveWithdrawStep(
  pool: Address,
  aToken: Address,
  asset: Address,
  amount: bigint,
  toOwner: boolean,
  share: bigint = ONE,
): ExecutorStep {
  return {
    kind: KIND_AAVE_WITHDRAW,
    flags: toOwner ? TO_OWNER : 0,
    tokenIn: aToken,
    tokenOut: asset,
    fee: 0,
    poolId: ZERO_ID,
    share,
    minOut: 0n,
    amountIn: amount,
    amountOut: amount,
    pool,
    toOwner,
  };
}

/**
 * Supplies `share` (× 1e36) of the executor's `asset` for the owner; `planned` is the amount that share is
 * expected to be (for display).
 */
export function aaveSupplyStep(
  pool: Address,
  asset: Address,
  aToken: Address,
  share: bigint,
  planned: bigint,
): ExecutorStep {
  return {
    kind: KIND_AAVE_SUPPLY,
    flags: TO_OWNER,
    tokenIn: asset,
    tokenOut: aToken,
    fee: 0,
    poolId: ZERO_ID,
    share,
    minOut: 0n,
    amountIn: planned,
    amountOut: planned,
    pool,
    toOwner: true,
  };
}

/**
 * Supplies exactly `amount` of `asset` paid from the owner's wallet (FROM_PAYER: from its standing allowance to
 * the executor, after the swaps have paid their outputs there) for the owner.
 */
export function aaveSupplyFromOwnerStep(pool: Address, asset: Address, aToken: Address, amount: bigint): ExecutorStep {
  return {
    kind: KIND_AAVE_SUPPLY,
    flags: TO_OWNER | FROM_PAYER,
    tokenIn: asset,
    tokenOut: aToken,
    fee: 0,
    poolId: ZERO_ID,
    share: amount,
    minOut: 0n,
    amountIn: amount,
    amountOut: amount,
    pool,
    toOwner: true,
  };
}
