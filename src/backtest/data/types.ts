/**
 * Columnar price data shared by the loaders, the window selection, the synthetic generators and the
 * backtest engine. Times are ms since the Unix epoch (UTC); a missing price is NaN.
 */

/** A whole price file as loaded: one column per asset, every bar of the file. */
export interface PriceTable {
  /** Asset names in file order (the wide CSV's header order, or first appearance in a long CSV). */
  readonly assets: string[];
  /** Bar times, strictly increasing, ms UTC. */
  readonly times: Float64Array;
  /** One column per asset (same order as `assets`), `times.length` long; NaN = no price that bar. */
  readonly closes: Float64Array[];
  /** Where it was read from: the file, and (wide CSV) the 1-based line of a bar, for messages. */
  readonly source?: { readonly file: string; readonly line?: (bar: number) => number };
}

/** The backtest's input: the target assets over the chosen window, every price present. */
export interface WindowedPrices {
  /** Target asset names, in the order the caller asked for (the cash asset is never among them). */
  readonly assets: string[];
  /** Bar times, strictly increasing, ms UTC. */
  readonly times: Float64Array;
  /** Row-major T×n, bar-major: the close of asset i at bar t is `prices[t * n + i]`. All finite and > 0. */
  readonly prices: Float64Array;
  /** Number of cells carried forward from an earlier close (0 unless fill mode is 'forward'). */
  readonly filled: number;
}

export type FillMode = 'none' | 'forward';
