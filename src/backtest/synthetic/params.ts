/** Options shared by the synthetic generators, and their checks. */

import { BallastError, type Next } from '../../core/errors.ts';
import { parseDay } from '../data/dates.ts';
import { type CorrelationSpec, cholesky, correlationMatrix } from './cholesky.ts';

export class SyntheticParamError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'SyntheticParamError';
}

export interface MarketShape {
  /** Seed of the xoshiro128** stream (any safe integer). Same seed and options, same series. */
  readonly seed: number;
  /** Number of bars T (rows of prices), bar 0 included: T − 1 returns are drawn. */
  readonly bars: number;
  /** Asset names, or a count n giving A1…An. */
  readonly assets: number | readonly string[];
  /** Constant pairwise correlation or full matrix of the shocks. Default 0 (independent). */
  readonly correlation?: CorrelationSpec;
  /** UTC day of bar 0, YYYY-MM-DD. Default 2000-01-01. */
  readonly start?: string;
  /** Time between bars in ms. Default one day (86,400,000). */
  readonly stepMs?: number;
  /** Price of every asset at bar 0 (one number for all, or one per asset). Default 100. */
  readonly initialPrices?: number | readonly number[];
}

export interface Shape {
  names: string[];
  n: number;
  bars: number;
  times: Float64Array;
  chol: Float64Array;
  initial: Float64Array;
}

/** One value per asset from a scalar or an array, each checked by `ok` (its failure names the asset). */
export function perAsset(
  value: number | readonly number[],
  names: readonly string[],
  field: string,
  ok: (v: number) => boolean,
  rule: string,
): Float64Array {
  const n = names.length;
  if (typeof value !== 'number' && value.length !== n) {
    throw new SyntheticParamError(
      `${field} has ${value.length} values, expected ${n} (one per asset) or a single number`,
    );
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = typeof value === 'number' ? value : value[i];
    if (!ok(v)) throw new SyntheticParamError(`${field} for ${names[i]} is ${v}: ${rule}`);
    out[i] = v;
  }
  return out;
}

export function resolveShape(o: MarketShape): Shape {
  const names = typeof o.assets === 'number' ? Array.from({ length: o.assets }, (_, i) => `A${i + 1}`) : [...o.assets];
  const n = names.length;
  if (!(Number.isInteger(n) && n >= 1))
    throw new SyntheticParamError(`assets must be at least 1, got ${String(o.assets)}`);
  if (new Set(names).size !== n) throw new SyntheticParamError(`asset names must be unique: ${names.join(', ')}`);
  if (!(Number.isInteger(o.bars) && o.bars >= 1))
    throw new SyntheticParamError(`bars must be an integer ≥ 1, got ${o.bars}`);
  const start = parseDay(o.start ?? '2000-01-01');
  if (Number.isNaN(start)) throw new SyntheticParamError(`start "${o.start}" is not a date: use YYYY-MM-DD`);
  const step = o.stepMs ?? 86_400_000;
  if (!(step > 0 && Number.isFinite(step))) throw new SyntheticParamError(`stepMs must be > 0, got ${step}`);
  const times = new Float64Array(o.bars);
  for (let t = 0; t < o.bars; t++) times[t] = start + t * step;
  const chol = cholesky(correlationMatrix(o.correlation ?? 0, names), names);
  const initial = perAsset(
    o.initialPrices ?? 100,
    names,
    'initialPrices',
    (v) => v > 0 && Number.isFinite(v),
    'must be > 0',
  );
  return { names, n, bars: o.bars, times, chol, initial };
}

/** Writes n correlated standard normals e = L·z into `e`, given z (n iid normals, in asset order). */
export function correlate(chol: Float64Array, n: number, z: Float64Array, e: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let k = 0; k <= i; k++) s += chol[row + k] * z[k];
    e[i] = s;
  }
}
