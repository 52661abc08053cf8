import { BallastError, type Next } from '../errors.ts';

/** The variance forecasters of issue #26. */
export type ForecastModelName = 'ewma' | 'garch' | 'har' | 'hmm';

/** Data a forecaster cannot use (too few returns, a non-finite return): fix the input and run again. */
export class ForecastInputError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'ForecastInputError';
}

/**
 * A model as the rolling forecaster drives it. `fit` estimates the model on returns r[from…to) (it may
 * allocate: it runs on a schedule, not per bar); `replay` sets the state `s` to "after r[from…to)" and
 * returns the variance forecast for return `to`; `step` takes one new return and returns the forecast
 * for the one after it, without allocating.
 */
export interface OnlineModel<S> {
  readonly name: ForecastModelName;
  /** Returns needed before the first fit. */
  readonly minReturns: number;
  fit(r: Float64Array, from: number, to: number, prev: S | undefined): S;
  replay(s: S, r: Float64Array, from: number, to: number): number;
  step(s: S, r: number): number;
}

/** When to refit: every `refitEvery` returns (0: fit once), on the last `window` returns (0: all seen). */
export interface RefitSchedule {
  readonly refitEvery: number;
  readonly window: number;
}

/**
 * The per-bar form, like the trigger kernels: `observe(prices)` once per bar (all n assets, bar 0
 * included); afterwards `forecast[i]` is the one-step variance of asset i's next log return given the
 * bars observed so far, NaN until the model has been fitted. Allocation-free per bar except on refits
 * and when the return history doubles its capacity.
 */
export interface VarianceKernel {
  readonly model: ForecastModelName;
  readonly n: number;
  readonly forecast: Float64Array;
  observe(prices: Float64Array): void;
  /** observe() of prices[off…off+n) (a row of a row-major bars × n matrix, without a view). */
  observeRow(prices: Float64Array, off: number): void;
  reset(): void;
}
