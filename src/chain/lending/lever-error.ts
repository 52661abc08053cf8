/** The error of planning a lever transaction (issue #23): nothing was sent; the next cycle plans again. */
import { BallastError, type Next } from '../../core/errors.ts';

export class LeverPlanError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'LeverPlanError';
}
