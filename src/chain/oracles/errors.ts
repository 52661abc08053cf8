/** Why a price cannot be trusted: the rebalance is refused before any swap (issue #8 §4). */
import { BallastError, type Next } from '../../core/errors.ts';
export type OracleGuardCode =
  | 'MISSING_CONFIG'
  | 'STALE'
  | 'INCOMPLETE_ROUND'
  | 'NOT_POSITIVE'
  | 'AT_BOUND'
  | 'SEQUENCER_DOWN'
  | 'SEQUENCER_GRACE'
  | 'DEVIATION'
  | 'READ_FAILED';

export class OracleGuardError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'OracleGuardError';
  constructor(
    readonly code: OracleGuardCode,
    /** The token symbol or feed the refusal is about. */
    readonly subject: string,
    message: string,
  ) {
    super(`refusing to trade (${code}, ${subject}): ${message}`);
  }
}
