/**
 * EIP-1559 fees under a configured cap, and the bump of a replacement (issue #30 item 6). The node's estimate
 * is used as is unless the cap says otherwise: the max fee never exceeds the cap, and when the latest base fee
 * plus the tip is already above it the send is refused (FeeCapError) rather than left stuck. A replacement
 * (same nonce) raises both fields by 1/8 (12.5%; nodes require ≥ 10%), or to the current estimate if higher.
 */
import { formatUnits, type PublicClient } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';

export class FeeCapError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'FeeCapError';
}

export interface Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

const gwei = (v: bigint): string => formatUnits(v, 9);

/** The node's fee estimate, held under `cap` (wei per gas) when one is configured. */
export async function cappedFees(client: PublicClient, cap: bigint | undefined): Promise<Fees> {
  const est = await client.estimateFeesPerGas();
  if (cap === undefined) return est;
  const base = (await client.getBlock()).baseFeePerGas ?? 0n;
  const tip = est.maxPriorityFeePerGas < cap ? est.maxPriorityFeePerGas : cap;
  if (base + tip > cap)
    throw new FeeCapError(
      `fees are above the cap: base fee ${gwei(base)} gwei + tip ${gwei(tip)} gwei > --max-fee-gwei ${gwei(cap)} gwei; nothing sent: wait for lower fees or raise the cap`,
      { details: { baseFeePerGas: base.toString(), cap: cap.toString() } },
    );
  return { maxFeePerGas: est.maxFeePerGas < cap ? est.maxFeePerGas : cap, maxPriorityFeePerGas: tip };
}

const bigMax = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const up = (v: bigint): bigint => v + (v + 7n) / 8n; // +12.5%, rounded up, at least +1 wei

/**
 * Fees for a replacement of a transaction sent with `old`: ≥ +12.5% on both fields (the current estimate if
 * higher), or undefined when that would exceed the cap (no replacement: the original keeps waiting).
 */
export async function bumpedFees(client: PublicClient, old: Fees, cap: bigint | undefined): Promise<Fees | undefined> {
  const est = await client.estimateFeesPerGas();
  const tip = bigMax(up(old.maxPriorityFeePerGas), est.maxPriorityFeePerGas);
  const max = bigMax(bigMax(up(old.maxFeePerGas), est.maxFeePerGas), tip);
  if (cap !== undefined && max > cap) return undefined;
  return { maxFeePerGas: max, maxPriorityFeePerGas: tip };
}
