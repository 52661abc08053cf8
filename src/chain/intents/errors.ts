/** Errors of the GPv2 solver (issue #24). */
import { BallastError, type Next } from '../../core/errors.ts';

/** The solver cannot settle this batch now (no route at the limit, a pool moved): the next round tries again. */
export class SolverError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'SolverError';
}
