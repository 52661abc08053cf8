import { BallastError } from '../../core/errors.ts';
import type { Metrics } from '../engine/types.ts';

/** Column order of the shared results matrix (one row of K doubles per config; null → NaN). */
export const METRIC_KEYS = [
  'finalValue',
  'totalReturn',
  'cagr',
  'volatility',
  'sharpe',
  'maxDrawdown',
  'rebalances',
  'fees',
  'turnover',
] as const satisfies readonly (keyof Metrics)[];
export type MetricKey = (typeof METRIC_KEYS)[number];
export const K = METRIC_KEYS.length;

export function writeMetrics(out: Float64Array, row: number, m: Metrics): void {
  for (let k = 0; k < K; k++) out[row * K + k] = m[METRIC_KEYS[k]!] ?? Number.NaN;
}

export function metricIndex(key: string): number {
  const k = METRIC_KEYS.indexOf(key as MetricKey);
  if (k < 0)
    throw new BallastError(`unknown metric ${JSON.stringify(key)}: one of ${METRIC_KEYS.join(', ')}`, {
      next: 'fix-usage',
    });
  return k;
}
