import { BallastError } from '../../core/errors.ts';
import type { SweepConfig } from './grid.ts';
import { K, metricIndex } from './metrics-layout.ts';

/** Higher is better for these metrics; lower for the rest (drawdown, volatility, fees, turnover). */
const HIGHER_IS_BETTER = new Set(['finalValue', 'totalReturn', 'cagr', 'sharpe']);

export function better(metric: string): (a: number, b: number) => boolean {
  const up = HIGHER_IS_BETTER.has(metric);
  return (a, b) => !Number.isNaN(a) && (Number.isNaN(b) || (up ? a > b : a < b));
}

/** Index of the best config by `metric`, optionally among those matching `where`. */
export function bestIndex(
  results: Float64Array,
  configs: readonly SweepConfig[],
  metric: string,
  where?: (c: SweepConfig) => boolean,
): number {
  const k = metricIndex(metric);
  const isBetter = better(metric);
  let best = -1;
  for (let c = 0; c < configs.length; c++) {
    if (where && !where(configs[c]!)) continue;
    if (best < 0 || isBetter(results[c * K + k]!, results[best * K + k]!)) best = c;
  }
  return best;
}

/** Heatmap for one family: z[fee][width] of `metric`. */
export function heatmap(results: Float64Array, configs: readonly SweepConfig[], family: string, metric: string) {
  const k = metricIndex(metric);
  const widths = [...new Set(configs.filter((c) => c.family === family).map((c) => c.width))].sort((a, b) => a - b);
  const fees = [...new Set(configs.filter((c) => c.family === family).map((c) => c.feeBps))].sort((a, b) => a - b);
  const z = fees.map(() => widths.map(() => null as number | null));
  configs.forEach((c, i) => {
    if (c.family !== family) return;
    const v = results[i * K + k]!;
    z[fees.indexOf(c.feeBps)]![widths.indexOf(c.width)] = Number.isNaN(v) ? null : v;
  });
  return { x: widths, y: fees, z };
}

export interface WalkForward {
  readonly metric: string;
  readonly splitDate: number;
  /** The in-sample winner at the user's fee, and its score in and out of sample. */
  readonly chosen: number;
  readonly inSample: number;
  readonly outOfSample: number;
  /** The best out-of-sample score any config at that fee reached, and the median. */
  readonly bestOutOfSample: number;
  readonly medianOutOfSample: number;
  /** Percentile rank (0 = worst, 1 = best) of the chosen config out of sample. */
  readonly rankOutOfSample: number;
}

/**
 * Choose on the first part, score on the rest: how much of the best in-sample result was luck. Only the
 * configurations at the user's fee level `feeBps` compete and are ranked (issue #16: a winner chosen at
 * another fee would be scored at a fee the user does not pay).
 */
export function walkForward(
  inRes: Float64Array,
  outRes: Float64Array,
  configs: readonly SweepConfig[],
  metric: string,
  splitDate: number,
  feeBps: number,
): WalkForward {
  const k = metricIndex(metric);
  const atFee = (c: SweepConfig) => c.feeBps === feeBps;
  const chosen = bestIndex(inRes, configs, metric, atFee);
  if (chosen < 0)
    throw new BallastError(`--fee ${feeBps} is not among the sweep's fee levels: add it to --fees`, {
      next: 'fix-usage',
    });
  const outs = configs.flatMap((c, i) => (atFee(c) ? [outRes[i * K + k]!] : [])).filter((v) => !Number.isNaN(v));
  const sorted = [...outs].sort((a, b) => a - b);
  const isBetter = better(metric);
  const o = outRes[chosen * K + k]!;
  const beaten = outs.filter((v) => isBetter(o, v)).length;
  return {
    metric,
    splitDate,
    chosen,
    inSample: inRes[chosen * K + k]!,
    outOfSample: o,
    bestOutOfSample: HIGHER_IS_BETTER.has(metric) ? sorted[sorted.length - 1]! : sorted[0]!,
    medianOutOfSample: sorted[Math.floor(sorted.length / 2)]!,
    rankOutOfSample: outs.length > 1 ? beaten / (outs.length - 1) : 1,
  };
}
