/**
 * Warnings about price data that is valid but probably wrong (issue #16 item 5): a single-bar move of
 * more than ×factor or ÷factor (a missing decimal point, a split, a wrong ticker), and bars whose spacing
 * does not match the periods per year the volatility and Sharpe are annualized with. One line each; the
 * run goes on.
 */
import { DAY_MS } from './dates.ts';

export interface DataSource {
  readonly times: Float64Array;
  /** Row-major T×n. */
  readonly prices: Float64Array;
  readonly assets: readonly string[];
  /** A column not to check (the cash asset, whose price is 1). */
  readonly skip?: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The first single-bar move beyond ×factor or ÷factor and how many there are; null when none (or factor 0). */
export function jumpWarning(d: DataSource, factor: number, file: string): string | null {
  if (!(factor > 1)) return null;
  const n = d.assets.length;
  const T = d.times.length;
  let first = '';
  let count = 0;
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < n; i++) {
      if (i === d.skip) continue;
      const r = d.prices[t * n + i]! / d.prices[(t - 1) * n + i]!;
      if (!(r > factor || r < 1 / factor)) continue;
      count++;
      if (first === '')
        first = `${d.assets[i]} moves ${r > 1 ? `×${r.toPrecision(3)}` : `÷${(1 / r).toPrecision(3)}`} from ${day(d.times[t - 1]!)} to ${day(d.times[t]!)}`;
    }
  }
  if (count === 0) return null;
  return `warning: ${file}: ${first}${count > 1 ? ` (and ${count - 1} more such move${count > 2 ? 's' : ''})` : ''}, more than ×${factor} in one bar: check the data (--jump-warn 0 silences this)`;
}

/** Bars a year the data holds: bars per 365 days over its whole span (weekend gaps count as in a year). */
export function impliedBarsPerYear(times: Float64Array): number {
  const T = times.length;
  if (T < 2 || !(times[T - 1]! > times[0]!)) return Number.NaN;
  return ((T - 1) * 365 * DAY_MS) / (times[T - 1]! - times[0]!);
}

/** A warning when the data's bars a year are more than 25% away from `periodsPerYear`. */
export function spacingWarning(times: Float64Array, periodsPerYear: number, file: string): string | null {
  const implied = impliedBarsPerYear(times);
  if (!Number.isFinite(implied)) return null;
  const ratio = implied / periodsPerYear;
  if (ratio > 0.8 && ratio < 1.25) return null;
  return `warning: ${file}: the data has ${Math.round(implied).toLocaleString('en-US')} bars a year but --periods-per-year is ${periodsPerYear}: volatility and Sharpe are annualized wrong; pass --periods-per-year ${Math.round(implied)}`;
}
