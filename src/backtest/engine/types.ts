import type { ConstraintsConfig, CostsConfig } from '../../core/config/schema.ts';
import type { TriggerConfig } from '../../core/config/trigger-schema.ts';
import type { PlanMode } from '../../core/planner/context.ts';

/** Prices of the non-cash assets: row-major T×m, bar-major (`prices[t*m + i]`), all finite and > 0. */
export interface MarketData {
  readonly assets: readonly string[];
  readonly times: Float64Array;
  readonly prices: Float64Array;
}

/** How target weights are chosen at each rebalance. `fixed` keeps the portfolio's target. */
export type TargetRule =
  | { readonly kind: 'fixed' }
  | { readonly kind: 'equal' | 'invvol' | 'erc' | 'minvar'; readonly lookback: number }
  | { readonly kind: 'file'; readonly path: string; readonly schedule: WeightSchedule };

/** Target weights from a user's file: rows (time, weights in universe order); the latest row ≤ bar time applies. */
export interface WeightSchedule {
  readonly times: Float64Array;
  readonly weights: Float64Array[];
}

export interface StrategySpec {
  /** As typed on the command line (e.g. `band:0.05`). */
  readonly name: string;
  /** `hodl` never rebalances after bar 0. */
  readonly trigger: TriggerConfig | 'hodl';
  readonly mode: PlanMode;
  readonly targets: TargetRule;
}

export interface BacktestOptions {
  /** The cash asset (the quote): price 1, never charged a fee. */
  readonly cash: string;
  /** Target weights, the cash's included when it has one. Sums to 1. */
  readonly target: Readonly<Record<string, number>>;
  readonly capital: number;
  readonly costs: CostsConfig;
  readonly constraints: ConstraintsConfig;
  /** 0: trade at the close the trigger fires; 1: decide at close t, trade at close t+1. */
  readonly lag: 0 | 1;
  readonly periodsPerYear: number;
  /**
   * Minimum time between rebalances (ms), the service's `risk.cooldown`: a fired trigger inside it is not
   * a rebalance. Decided by the core's `decisionCode`, the rule chain the service's cycles run. Default 0.
   */
  readonly cooldownMs?: number;
}

export interface Metrics {
  finalValue: number;
  totalReturn: number;
  cagr: number | null;
  volatility: number | null;
  sharpe: number | null;
  maxDrawdown: number;
  rebalances: number;
  fees: number;
  turnover: number;
}

/** One executed trade of a backtest: signed quantity change of a non-cash asset at a bar. */
export interface TradeRecord {
  readonly bar: number;
  readonly asset: string;
  readonly quantity: number;
}

export interface BacktestResult {
  readonly strategy: string;
  /** Post-trade value at each close (V₀ after the initial purchase). */
  readonly equity: Float64Array;
  /** Bars t ≥ 1 on which the trigger fired. */
  readonly rebalanceBars: number[];
  /** Post-trade weights T×n in universe order, when asked for (T×n doubles: small runs and tests). */
  readonly weights: Float64Array | null;
  /**
   * The holdings after each trade, when asked for: what the weights of any bar derive from (holdingsWeights)
   * with k×n doubles for k trades instead of T×n, and without giving up the engine's quiet-bar scan.
   */
  readonly holdings: Holdings | null;
  /** Every executed trade (signed quantity; bar 0 is the initial purchase), when asked for. */
  readonly trades: TradeRecord[] | null;
  readonly assets: readonly string[];
  readonly metrics: Metrics;
}

/** Quantities held from bar `bars[j]` on (until the next entry): entry j is qty[j·n … j·n + n − 1]. */
export interface Holdings {
  readonly bars: Int32Array;
  readonly qty: Float64Array;
}
