/** Input of the HTML report: everything it draws, computed by the engine; the report computes nothing financial but drawdowns. */

export type NumberColumn = Float64Array | readonly number[];

/** Rates are fractions (0.05 = 5%); money in the quote; null = undefined (e.g. sharpe when sd = 0). */
export interface ReportMetrics {
  readonly finalValue?: number | null;
  readonly totalReturn?: number | null;
  readonly cagr?: number | null;
  readonly volatility?: number | null;
  readonly sharpe?: number | null;
  readonly maxDrawdown?: number | null;
  readonly rebalances?: number | null;
  readonly fees?: number | null;
  readonly turnover?: number | null;
}

export interface ReportRun {
  /** Strategy name as typed (e.g. `band:0.05`); unique within a report. */
  readonly strategy: string;
  /** Post-trade portfolio value at each close, one per bar (same length as `ReportInput.times`). */
  readonly equity: NumberColumn;
  /** Post-trade weights, row-major T×n (bar-major), n = the weight columns (`assets` below or the report's). */
  readonly weights?: NumberColumn | null;
  /**
   * Instead of `weights`: writes the weights of one bar into `out` (n values). A long run derives them from
   * its holdings (engine/run.ts holdingsWeights) rather than keeping T×n doubles; the chart asks only for
   * the bars it draws.
   */
  readonly weightAt?: (bar: number, out: Float64Array) => void;
  /** Names of the weight columns when they differ from `ReportInput.assets` (e.g. the cash asset included). */
  readonly assets?: readonly string[];
  /** Bars (indices into times, t ≥ 1) on which the strategy rebalanced. */
  readonly rebalanceBars: readonly number[];
  /**
   * The metrics (the engine's Metrics object fits as is). Any other numeric property found on
   * the object at run time is shown too, after these columns, as are `extraMetrics`.
   */
  readonly metrics: ReportMetrics;
  /** More columns for this run (e.g. `sortino`), by name. */
  readonly extraMetrics?: Readonly<Record<string, number | null>>;
}

export interface ReportSweep {
  /** Name of this view in the sweep's selector. Default: "<metric> by <xLabel> × <yLabel>". */
  readonly title?: string;
  /** Axis titles, e.g. `band width` and `fee (bps)` or `trigger`. */
  readonly xLabel: string;
  readonly yLabel: string;
  /** Name of the metric coloured (e.g. `sharpe`). */
  readonly metric: string;
  readonly x: readonly (number | string)[];
  readonly y: readonly (number | string)[];
  /** z[yi][xi]: the metric at (x[xi], y[yi]); null where the run failed or is undefined. */
  readonly z: readonly (readonly (number | null)[])[];
  /** Colour direction: true (default) when a larger value is better (sharpe, cagr); false for maxDrawdown, fees. */
  readonly higherIsBetter?: boolean;
  /** Show x values as percentages (0.05 → 5%). Default false. */
  readonly xPercent?: boolean;
}

export interface ReportInput {
  readonly title: string;
  /** ISO timestamp passed in by the caller (the report reads no clock). */
  readonly generatedAt: string;
  /** Names of the weight columns (the universe order of `weights`). */
  readonly assets: readonly string[];
  /** Bar times, ms since the epoch (UTC), strictly increasing. */
  readonly times: NumberColumn;
  readonly runs: readonly ReportRun[];
  /** The buy-and-hold run's strategy name: the baseline of the "vs HODL" columns. */
  readonly hodlStrategy: string;
  /**
   * Sweep heatmap(s). Several views (another metric, one trigger type per view, ...) share one chart
   * and a selector; the first is shown first.
   */
  readonly sweep?: ReportSweep | readonly ReportSweep[];
  /** Free text lines shown under the charts (data source, fill count, cost model...). Escaped. */
  readonly notes?: readonly string[];
}

export interface RenderOptions {
  /** Most points per equity or drawdown curve (min/max per bucket). Default 2,000. */
  readonly maxPoints?: number;
  /** Most points per weights area (uniform stride, shared by all assets). Default 1,000. */
  readonly maxWeightPoints?: number;
  /** Most rebalance markers drawn per strategy (every k-th beyond). Default 2,000. */
  readonly maxMarkers?: number;
}
