/** Typed errors of the local chain (issue #7 §1). Each says what went wrong and what to do. */
import { BallastError, type Next } from '../core/errors.ts';
export class ChainError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name: string = 'ChainError';
}

export class AnvilStartError extends ChainError {
  override readonly name = 'AnvilStartError';
}

export class FixtureError extends ChainError {
  override readonly name = 'FixtureError';
}

/** A request about the local chain that cannot be honoured as given (an unknown token, a revert). */
export class FundError extends ChainError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'FundError';
}
