/** What a trigger sees on one bar (or one service cycle). Caller-owned; the trigger never keeps it. */
export interface TriggerBar {
  /** This bar's time (ms, UTC) and the previous decision bar's (NaN when there is none). */
  readonly time: number;
  readonly prevTime: number;
  readonly qty: Float64Array;
  readonly prices: Float64Array;
  /** Current weights (universe order, the quote included). */
  readonly w: Float64Array;
  readonly value: number;
}

export type TriggerType =
  | 'none'
  | 'never'
  | 'calendar'
  | 'band'
  | 'relband'
  | 'hybrid'
  | 'voladaptive'
  | 'costaware'
  | 'optband';

/**
 * The columnar, allocation-free form of a trigger, for hot loops (backtest bars, sweep workers) and the
 * service alike. `check` returns −1 (no rebalance), the index of the first breaching entry, or `n` when
 * the trigger fires for the whole portfolio (calendar, cost-aware, on demand). `explain` builds the
 * readable reason only when asked.
 */
export interface TriggerKernel {
  readonly type: TriggerType;
  readonly n: number;
  /** Feed every bar's prices in order (bar 0 included) so stateful triggers update their estimates. */
  observe(prices: Float64Array): void;
  /** true when observe() keeps nothing (bands, calendar): the service need not warm it up from history. */
  readonly stateless?: boolean;
  check(bar: TriggerBar): number;
  explain(result: number, bar: TriggerBar): string;
  /** Absolute band half-width per entry now (non-finite = none), for `edge` plans; null without bands. */
  halfWidth(): Float64Array | null;
  /** The kernel's per-bar covariance estimate (n×n), if it keeps one. */
  covariance(): Float64Array | null;
  reset(): void;
  /**
   * Optional columnar form of observe + check for a backtest's quiet bars: with holdings `qty` held
   * constant, observes bars from, from+1, … of the row-major bars × n `prices` (times in `times`) and
   * checks each with the holdings' weights, exactly as observe() then check() would, stopping at the
   * first bar that fires. Returns that bar (observed and fired: the caller must not observe it again) or
   * `to`; writes each scanned bar's value Σ qtyᵢ·pᵢ into values[bar]. Needs from ≥ 1.
   */
  scan?(
    prices: Float64Array,
    times: Float64Array,
    qty: Float64Array,
    from: number,
    to: number,
    values: Float64Array,
  ): number;
}

/** Readable decision `{ rebalance, reason }` for one bar. */
export interface TriggerDecision {
  readonly rebalance: boolean;
  readonly reason: string;
}

export function decide(k: TriggerKernel, bar: TriggerBar): TriggerDecision {
  const r = k.check(bar);
  return { rebalance: r >= 0, reason: k.explain(r, bar) };
}

export const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;
export const signedPct = (x: number, digits = 2): string => `${x >= 0 ? '+' : ''}${pct(x, digits)}`;
