/** Errors of the intent order book and GPv2 encoding (issue #24). */
import { BallastError, type Next } from '../../core/errors.ts';

/** A malformed order, uid or book request: nothing was stored. */
export class IntentInputError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'IntentInputError';
}

/** The order book did not answer or answered badly: nothing is known to have changed. */
export class OrderBookError extends BallastError {
  static override readonly next: Next = 'retry';
  override readonly name = 'OrderBookError';
}
