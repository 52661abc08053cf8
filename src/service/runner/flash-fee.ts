/**
 * The flash fee in a lending position's cost model (issue #23: "the fee enters the cost model, so triggers
 * see it"). The portfolio is compiled once (its trigger keeps state across cycles), so its cost model holds
 * this cell as its venue component; each cycle sets it to `flashFeeCost` (src/core/lending/flash-funding.ts)
 * of the loan the plan read now would take, before the trigger and the planner run. Every caller of
 * `orderCost` (the planner, the cost-aware trigger) then sees the fee.
 */
import type { VenueCostComponent } from '../../core/costs.ts';
import { flashFeeCost } from '../../core/lending/flash-funding.ts';

export class FlashFeeCell implements VenueCostComponent {
  readonly name = 'flash-loan';
  private current: VenueCostComponent | null = null;

  /** The fee (in the quote) charged once on an order of entry `i`; 0 clears it. */
  set(i: number, feeQuote: number): void {
    this.current = feeQuote > 0 ? flashFeeCost(i, feeQuote, null) : null;
  }

  cost(i: number, notional: number, side: 1 | -1): number {
    return this.current === null ? 0 : this.current.cost(i, notional, side);
  }
}
