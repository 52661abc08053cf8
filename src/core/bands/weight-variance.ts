import { forecaster } from '../forecast/models.ts';
import type { RollingForecaster } from '../forecast/online.ts';
import type { ForecastModelName } from '../forecast/types.ts';
import { EwmaEstimator } from '../triggers/ewma.ts';
import { weightVariances } from './formula.ts';

/** Where the variance rates of the weights come from: the forecaster, and the correlations' EWMA. */
export interface WeightVarianceParams {
  /** The variance forecaster of each asset's next log return (`ewma`, `garch`, `har`, `hmm`). */
  readonly vol: ForecastModelName;
  /** Refit schedule of garch, har and hmm (returns; 0 = fit once); EWMA never refits. */
  readonly refitEvery: number;
  /** λ and warm-up (returns) of the EWMA covariance of simple returns whose correlations are used. */
  readonly lambda: number;
  readonly warmup: number;
}

/**
 * Per bar, the variance rate of every entry's weight, s²ᵢ = w*ᵢ²·Var(rᵢ − r_p) per bar: volatilities
 * from the one-step forecasts of the chosen model (one forecaster per non-quote entry; the quote has
 * none), correlations from an EWMA covariance. Fed bar by bar; `ready` once every forecaster has been
 * fitted and the covariance seeded. Allocation-free per bar except on the forecasters' refits.
 */
export class WeightVarianceEstimator {
  readonly s2: Float64Array;
  ready = false;
  private readonly f: (RollingForecaster<unknown> | null)[];
  private readonly cov: EwmaEstimator;
  private readonly prev: Float64Array;
  private readonly sigma: Float64Array;
  private readonly rho: Float64Array;
  private readonly m: Float64Array;

  constructor(
    readonly target: Float64Array,
    readonly quoteIndex: number,
    readonly p: WeightVarianceParams,
  ) {
    const n = target.length;
    const schedule = { refitEvery: p.refitEvery, window: 0 };
    this.f = Array.from({ length: n }, (_, i) => (i === quoteIndex ? null : forecaster(p.vol, schedule)));
    this.cov = new EwmaEstimator(n, p.lambda, p.warmup, true);
    this.s2 = new Float64Array(n);
    this.prev = new Float64Array(n).fill(Number.NaN);
    this.sigma = new Float64Array(n);
    this.rho = new Float64Array(n * n);
    this.m = new Float64Array(n);
  }

  get n(): number {
    return this.target.length;
  }

  /** Returns seen by the covariance (for the warm-up message). */
  get count(): number {
    return this.cov.count;
  }

  reset(): void {
    for (const x of this.f) x?.reset();
    this.cov.reset();
    this.prev.fill(Number.NaN);
    this.s2.fill(0);
    this.ready = false;
  }

  /** One bar: prices[off…off+n) in universe order. */
  observeRow(prices: Float64Array, off: number): void {
    const n = this.n;
    let all = true;
    for (let i = 0; i < n; i++) {
      const f = this.f[i];
      const p = prices[off + i]!;
      const q = this.prev[i]!;
      this.prev[i] = p;
      if (f === null || f === undefined) continue;
      if (q > 0 && p > 0 && p < Number.POSITIVE_INFINITY) f.push(Math.log(p / q));
      const v = f.next;
      if (!(v >= 0)) all = false;
      else this.sigma[i] = Math.sqrt(v);
    }
    this.cov.observeRow(prices, off);
    this.ready = all && this.cov.ready;
    if (!this.ready) return;
    const c = this.cov.cov!;
    for (let i = 0; i < n; i++) {
      const ci = c[i * n + i]!;
      for (let j = 0; j < n; j++) {
        const d = ci * c[j * n + j]!;
        this.rho[i * n + j] = i === j ? 1 : d > 0 ? c[i * n + j]! / Math.sqrt(d) : 0;
      }
    }
    weightVariances(this.sigma, this.rho, this.target, this.m, this.s2);
  }
}
