/**
 * The rebalance id of one decision (issue #30 item 1): bytes32 = keccak256(abi.encode(journalId, portfolioId,
 * cycle)). The journal's id (fixed when the journal was created) keeps two journals' "cycle 1" apart, so a new
 * journal never collides with ids an executor has already recorded. Journaled with the batch as
 * `calls.rebalanceId`; the executor records it on-chain so a second batch for the same decision reverts.
 */
import { encodeAbiParameters, type Hex, keccak256 } from 'viem';

export function rebalanceIdOf(journalId: string, portfolioId: string, cycle: number): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'string' }, { type: 'string' }, { type: 'uint256' }],
      [journalId, portfolioId, BigInt(cycle)],
    ),
  );
}
