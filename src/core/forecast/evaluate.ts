/**
 * Out-of-sample evaluation of rolling one-step variance forecasts (issue #26 item 3): each model sees the
 * returns one at a time and forecasts the next; over the last `holdout` returns the forecasts are scored
 * with QLIKE and MSE against the realized squared return, and each model is compared with EWMA by a
 * Diebold–Mariano t-statistic (Newey–West, 5 lags) on both losses. The refitted models are first fitted
 * on every return before the holdout, then every `refitEvery` returns on the expanding window.
 */
import { dieboldMariano, mean, qlike, squaredError } from './loss.ts';
import { forecaster, MODEL_NAMES } from './models.ts';
import { ForecastInputError, type ForecastModelName, type RefitSchedule } from './types.ts';

export interface ModelScore {
  readonly model: ForecastModelName;
  readonly qlike: number;
  readonly mse: number;
  /** DM t vs EWMA on QLIKE and on MSE (NaN for EWMA itself). */
  readonly dmQlike: number;
  readonly dmMse: number;
  /** Fits done (the first at the model's minimum returns, then on schedule). */
  readonly fits: number;
  /** The forecasts of the holdout returns, in order. */
  readonly forecasts: Float64Array;
}

export interface AssetEvaluation {
  /** Returns in the series; the holdout is its last `holdout` returns. */
  readonly n: number;
  readonly holdout: number;
  /** r² of each holdout return. */
  readonly realized: Float64Array;
  readonly scores: readonly ModelScore[];
}

export const EVAL_MIN_TRAINING = 50;
export const DM_LAGS = 5;

/**
 * Scores `models` (EWMA always included, first) on returns r; the holdout needs at least 50 returns
 * before it. `progress(model)` is called after each model.
 */
export function evaluateReturns(
  r: Float64Array,
  holdout: number,
  schedule: RefitSchedule,
  models: readonly ForecastModelName[] = MODEL_NAMES,
  progress?: (model: ForecastModelName) => void,
): AssetEvaluation {
  const n = r.length;
  if (!(Number.isInteger(holdout) && holdout >= 1))
    throw new ForecastInputError(`holdout must be an integer ≥ 1, got ${holdout}`);
  if (n - holdout < EVAL_MIN_TRAINING)
    throw new ForecastInputError(
      `a holdout of ${holdout} leaves ${n - holdout} of ${n} returns before it; at least ${EVAL_MIN_TRAINING} are needed to fit`,
    );
  const start = n - holdout;
  const realized = new Float64Array(holdout);
  for (let k = 0; k < holdout; k++) realized[k] = r[start + k]! * r[start + k]!;
  const names: ForecastModelName[] = ['ewma', ...models.filter((m) => m !== 'ewma')];
  const raw = names.map((name) => {
    // EWMA is seeded from the series' first 30 returns; the refitted models are first fitted on the
    // returns before the holdout, then refitted on schedule inside it.
    const f = forecaster(name, schedule, name === 'ewma' ? undefined : start);
    const out = new Float64Array(holdout);
    for (let t = 0; t < n; t++) {
      if (t >= start) out[t - start] = f.next;
      f.push(r[t]!);
    }
    progress?.(name);
    return {
      name,
      forecasts: out,
      fits: f.fits,
      ql: losses(r, start, out, qlike),
      se: losses(r, start, out, squaredError),
    };
  });
  const base = raw[0]!;
  const scores = raw.map((m) => ({
    model: m.name,
    qlike: mean(m.ql),
    mse: mean(m.se),
    dmQlike: m === base ? Number.NaN : dieboldMariano(diff(m.ql, base.ql), DM_LAGS),
    dmMse: m === base ? Number.NaN : dieboldMariano(diff(m.se, base.se), DM_LAGS),
    fits: m.fits,
    forecasts: m.forecasts,
  }));
  return { n, holdout, realized, scores };
}

function losses(r: Float64Array, start: number, h: Float64Array, loss: (r: number, h: number) => number): Float64Array {
  const out = new Float64Array(h.length);
  for (let k = 0; k < h.length; k++) out[k] = loss(r[start + k]!, h[k]!);
  return out;
}

function diff(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) out[k] = a[k]! - b[k]!;
  return out;
}
