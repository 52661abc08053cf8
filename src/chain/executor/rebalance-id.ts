/**
 * The rebalance id of one decision (issue #30 item 1, issue #19): bytes32 whose high 192 bits are those of
 * keccak256(abi.encode(journalId, portfolioId)) and whose low 64 bits are the cycle. The journal's id (fixed when
 * the journal was created) keeps two journals' "cycle 1" apart, so a new journal never collides with ids an
 * executor has already recorded. Journaled with the batch as `calls.rebalanceId`; the executor records it on-chain
 * (one bit in word id >> 8) so a second batch for the same decision reverts. The cycle in the low bits makes 256
 * consecutive cycles of one portfolio share one storage word: ~5k gas to record an id instead of ~22k for a fresh
 * slot, except once every 256 cycles.
 */
import { encodeAbiParameters, type Hex, keccak256 } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';

export class RebalanceIdError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'RebalanceIdError';
}

const LOW64 = (1n << 64n) - 1n;

/** `prefix` (any bytes32) with its low 64 bits replaced by `cycle` (0 ≤ cycle < 2^64). */
export function withCycle(prefix: Hex, cycle: number | bigint): Hex {
  const c = BigInt(cycle);
  if (c < 0n || c > LOW64) throw new RebalanceIdError(`cycle: ${c} is outside 0 … 2^64 − 1`);
  return `0x${((BigInt(prefix) & ~LOW64) | c).toString(16).padStart(64, '0')}`;
}

export function rebalanceIdOf(journalId: string, portfolioId: string, cycle: number | bigint): Hex {
  return withCycle(
    keccak256(encodeAbiParameters([{ type: 'string' }, { type: 'string' }], [journalId, portfolioId])),
    cycle,
  );
}
