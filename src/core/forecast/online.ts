/**
 * Rolling one-step variance forecasts without look-ahead. A RollingForecaster takes one asset's returns
 * one at a time (`push`) and keeps `next`, the forecast for the return after the last pushed: NaN until
 * the model's first fit (after `minReturns` returns), then refitted on its schedule over the expanding
 * (or the last `window`) returns and stepped in between. varianceKernel runs one per asset on prices,
 * bar by bar, like the trigger kernels.
 */
import type { ForecastModelName, OnlineModel, RefitSchedule, VarianceKernel } from './types.ts';
import { ForecastInputError } from './types.ts';

export function checkSchedule(s: RefitSchedule): void {
  if (!(Number.isInteger(s.refitEvery) && s.refitEvery >= 0))
    throw new ForecastInputError(`refitEvery must be an integer ≥ 0, got ${s.refitEvery}`);
  if (!(Number.isInteger(s.window) && s.window >= 0))
    throw new ForecastInputError(`window must be an integer ≥ 0 (0 = expanding), got ${s.window}`);
}

export class RollingForecaster<S> {
  /** The forecast for the next return (NaN before the first fit). */
  next = Number.NaN;
  /** Returns pushed so far, and fits done. */
  count = 0;
  fits = 0;
  private history: Float64Array;
  private state: S | undefined;
  private sinceFit = 0;

  /**
   * `firstFit`: the number of returns at which the first fit happens (default and minimum: the model's
   * `minReturns`); an evaluation starts at its holdout so that no fit is spent before it.
   */
  constructor(
    readonly model: OnlineModel<S>,
    readonly schedule: RefitSchedule,
    readonly firstFit = model.minReturns,
    capacity = 1024,
  ) {
    checkSchedule(schedule);
    if (!(Number.isInteger(firstFit) && firstFit >= model.minReturns))
      throw new ForecastInputError(
        `${model.name}: the first fit needs at least ${model.minReturns} returns, got ${firstFit}`,
      );
    if (schedule.window > 0 && schedule.window < model.minReturns)
      throw new ForecastInputError(`${model.name}: window ${schedule.window} is below its ${model.minReturns} returns`);
    this.history = new Float64Array(Math.max(capacity, 16));
  }

  reset(): void {
    this.next = Number.NaN;
    this.count = 0;
    this.fits = 0;
    this.state = undefined;
    this.sinceFit = 0;
  }

  /** Takes return r (the one `next` was forecasting) and returns the forecast for the one after it. */
  push(r: number): number {
    if (this.count === this.history.length) {
      const grown = new Float64Array(this.history.length * 2);
      grown.set(this.history);
      this.history = grown;
    }
    this.history[this.count++] = r;
    const m = this.model;
    if (this.state === undefined) {
      if (this.count >= this.firstFit) this.refit();
      return this.next;
    }
    if (this.schedule.refitEvery > 0 && ++this.sinceFit >= this.schedule.refitEvery) this.refit();
    else this.next = m.step(this.state, r);
    return this.next;
  }

  private refit(): void {
    const to = this.count;
    const from = this.schedule.window > 0 ? Math.max(0, to - this.schedule.window) : 0;
    this.state = this.model.fit(this.history, from, to, this.state);
    this.next = this.model.replay(this.state, this.history, from, to);
    this.sinceFit = 0;
    this.fits++;
  }
}

/**
 * The per-bar kernel over n assets. A bar whose price (or the previous one) is not finite and > 0 gives
 * no return: the asset's forecast stands until two consecutive valid prices arrive.
 */
export function varianceKernel<S>(model: OnlineModel<S>, n: number, schedule: RefitSchedule): VarianceKernel {
  const f = Array.from({ length: n }, () => new RollingForecaster(model, schedule));
  const prev = new Float64Array(n).fill(Number.NaN);
  const forecast = new Float64Array(n).fill(Number.NaN);
  const name: ForecastModelName = model.name;
  const observeRow = (prices: Float64Array, off: number) => {
    for (let i = 0; i < n; i++) {
      const p = prices[off + i]!;
      const q = prev[i]!;
      prev[i] = p > 0 && p < Number.POSITIVE_INFINITY ? p : Number.NaN;
      if (q > 0 && p > 0 && p < Number.POSITIVE_INFINITY) forecast[i] = f[i]!.push(Math.log(p / q));
    }
  };
  return {
    model: name,
    n,
    forecast,
    observe: (prices) => observeRow(prices, 0),
    observeRow,
    reset() {
      for (const x of f) x.reset();
      prev.fill(Number.NaN);
      forecast.fill(Number.NaN);
    },
  };
}
