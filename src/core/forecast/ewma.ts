/**
 * EWMA variance (RiskMetrics 1996): s₀ = the sample variance (n − 1 divisor) of the first 30 returns,
 * the variance of the first return; then sₜ = λ·sₜ₋₁ + (1 − λ)·r²ₜ₋₁ from the first return on. `last`
 * is the variance of the last return, `forecast` that of the next one.
 */
import { requireReturns, sampleVariance } from './returns.ts';
import { ForecastInputError, type OnlineModel } from './types.ts';

export const EWMA_SEED_RETURNS = 30;
export const EWMA_LAMBDA = 0.94;

export interface EwmaFit {
  readonly lambda: number;
  readonly last: number;
  readonly forecast: number;
  readonly n: number;
}

export function checkLambda(lambda: number): void {
  if (!(lambda > 0 && lambda < 1)) throw new ForecastInputError(`ewma: λ must be in (0, 1), got ${lambda}`);
}

/** EWMA over r[from…to) (at least 30 returns). */
export function fitEwma(r: Float64Array, lambda = EWMA_LAMBDA, from = 0, to = r.length): EwmaFit {
  checkLambda(lambda);
  requireReturns('ewma', r, from, to, EWMA_SEED_RETURNS);
  let s = sampleVariance(r, from, from + EWMA_SEED_RETURNS);
  let last = s;
  for (let t = from; t < to; t++) {
    last = s;
    s = lambda * s + (1 - lambda) * r[t]! * r[t]!;
  }
  return { lambda, last, forecast: s, n: to - from };
}

export interface EwmaState {
  readonly lambda: number;
  /** The seed: variance of the window's first return. */
  readonly seed: number;
  next: number;
}

/** EWMA for the rolling forecaster (fitted once: the seed is the first 30 returns, as in fitEwma). */
export function ewmaModel(lambda = EWMA_LAMBDA): OnlineModel<EwmaState> {
  checkLambda(lambda);
  return {
    name: 'ewma',
    minReturns: EWMA_SEED_RETURNS,
    fit(r, from, to) {
      requireReturns('ewma', r, from, to, EWMA_SEED_RETURNS);
      const seed = sampleVariance(r, from, from + EWMA_SEED_RETURNS);
      return { lambda, seed, next: seed };
    },
    replay(s, r, from, to) {
      let v = s.seed;
      for (let t = from; t < to; t++) v = lambda * v + (1 - lambda) * r[t]! * r[t]!;
      s.next = v;
      return v;
    },
    step(s, r) {
      s.next = lambda * s.next + (1 - lambda) * r * r;
      return s.next;
    },
  };
}
