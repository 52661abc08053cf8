/** Typed errors of the split router: each says what went wrong and what to do. */
import { BallastError, type Next } from '../../core/errors.ts';

/** A field of the route request is invalid; `field` names it. */
export class RouteRequestError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'RouteRequestError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`route request: ${field} ${problem}`);
  }
}

/** No pool or two-hop path connects the pair. */
export class NoRouteError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'NoRouteError';
  constructor(
    readonly tokenIn: string,
    readonly tokenOut: string,
  ) {
    super(
      `no pool or two-hop path connects ${tokenIn} to ${tokenOut}: add pools of this pair or a hub token connected to both`,
    );
  }
}

/** The pools cannot absorb the whole input (every candidate pool has a finite maxIn). */
export class InsufficientLiquidityError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'InsufficientLiquidityError';
  constructor(
    readonly amountIn: bigint,
    readonly capacity: number,
  ) {
    super(
      `the candidate pools can absorb at most ~${capacity.toExponential(6)} base units of the input, less than amountIn=${amountIn}: reduce the amount or add pools`,
    );
  }
}
