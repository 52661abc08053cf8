import type { Store } from '../../store/ports.ts';

/**
 * Performance bookkeeping kept in the journal's meta store, so it survives restarts:
 * - units (fund accounting): a deposit buys units at the pre-flow value per unit, a withdrawal sells them;
 *   time-weighted return = value per unit now / 1 − 1 (the first funding sets one unit per quote unit);
 * - the HODL baseline's quantities: the first investment's holdings, then each flow bought (or sold) at the
 *   target weights, so HODL receives the same cash flows as the portfolio;
 * - the last cash flow id already invested (an inflow is invested by the next cycle, buy-only).
 */
export interface LedgerState {
  units: number;
  hodl: Record<string, number> | null;
  lastFlowId: number;
}

export class Ledger {
  constructor(
    private readonly journal: Store,
    private readonly portfolioId: string,
  ) {}

  private key = () => `ledger:${this.portfolioId}`;

  async load(): Promise<LedgerState> {
    const s = await this.journal.meta.get(this.key());
    return s === undefined ? { units: 0, hodl: null, lastFlowId: 0 } : (JSON.parse(s) as LedgerState);
  }

  async save(state: LedgerState, at: number): Promise<void> {
    await this.journal.meta.set(this.key(), JSON.stringify(state), at);
  }

  /** Value per unit (1 before any funding). */
  static nav(state: LedgerState, value: number): number {
    return state.units > 0 ? value / state.units : 1;
  }

  /** Applies a net flow of `flowValue` (quote units, + in, − out) at portfolio value `valueBefore` (excluding it). */
  static flow(state: LedgerState, valueBefore: number, flowValue: number): void {
    const nav = Ledger.nav(state, valueBefore);
    state.units += flowValue / nav;
  }

  static hodlValue(state: LedgerState, prices: ReadonlyMap<string, number>): number | null {
    if (state.hodl === null) return null;
    let v = 0;
    for (const [a, q] of Object.entries(state.hodl)) v += q * (prices.get(a) ?? 0);
    return v;
  }
}
