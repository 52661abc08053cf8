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
