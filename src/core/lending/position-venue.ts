/**
 * A lending position run by the service as a portfolio (issue #23: "the fee enters the cost model, so triggers
 * see it"), pure. A position of one collateral asset backing one debt asset on an Aave v3 market is shown to
 * the core's decision code as two holdings measured in the debt asset (the portfolio's quote) (several assets:
 * `multiPositionHoldings` below):
 *
 * - the debt asset: the debt's value D, so its weight is D / C, the loan-to-value ratio;
 * - the collateral asset: the owner's equity C − D in collateral units (its net exposure), weight 1 − LTV.
 *
 * The portfolio's target is then `{ debt: targetLtv, collateral: 1 − targetLtv }` and every trigger (band,
 * costaware, …) reads the LTV's drift as any portfolio's drift. A plan that buys the collateral lowers the
 * debt's share (deleverage); one that sells it raises it (lever up). The flash loan the rebalance would take,
 * priced by the cheapest lender read at plan time, is a cost component on the collateral's entry
 * (`flashFeeCost`), so a cost-aware trigger weighs it; a health factor below its floor acts regardless of
 * cost (`withHealthFloor`: safety over cost).
 */
import type { AtomicBatchVenue } from '../atomic-batch.ts';
import type { TriggerVerdict } from '../cycle-decision.ts';

/** What the venue read for the cycle: the position and the flash loan its rebalance would take. */
export interface LendingCycleView {
  readonly collateral: string;
  readonly debt: string;
  /** Values in the debt asset. */
  readonly collateralValue: number;
  readonly debtValue: number;
  readonly ltv: number;
  readonly healthFactor: number;
  readonly minHealthFactor: number;
  /** The loan the plan read now would take (null: nothing to do, no loan). */
  readonly flash: {
    readonly lender: string;
    /** Base units of the loaned token. */
    readonly fee: string;
    /** The fee in the quote (the debt asset). */
    readonly feeQuote: number;
  } | null;
  /** Why the chain plan sends nothing, when it does not. */
  readonly idle?: string;
  /** Several collateral or debt assets: every asset with its role, its collateral or debt value (in the debt
   *  asset `debt`, the quote) and its price in the quote; `collateral`/`debt` are then the first of each. */
  readonly assets?: readonly PositionAsset[];
}

export interface PositionAsset {
  readonly symbol: string;
  readonly role: 'collateral' | 'debt';
  readonly value: number;
  readonly price: number;
}

export interface LendingPositionVenue extends AtomicBatchVenue {
  readonly lendingPosition: true;
  /** The view read by the last `balances()` (null before the first). */
  position(): LendingCycleView | null;
}

export function isLendingPositionVenue(v: object): v is LendingPositionVenue {
  return (v as Partial<LendingPositionVenue>).lendingPosition === true;
}

/**
 * The holdings the core sees (see the file's comment), in whole units: the collateral's equity
 * (C − D) / price and the debt D (the quote, price 1). `collateralPrice` is in the debt asset.
 */
export function positionHoldings(
  v: Pick<LendingCycleView, 'collateral' | 'debt' | 'collateralValue' | 'debtValue' | 'assets'>,
  collateralPrice: number,
): Record<string, number> {
  if (v.assets !== undefined) return multiPositionHoldings(v.assets);
  return {
    [v.collateral]: collateralPrice > 0 ? (v.collateralValue - v.debtValue) / collateralPrice : 0,
    [v.debt]: v.debtValue,
  };
}

/**
 * The trigger's verdict, overridden when the health factor is below its floor: the position acts whatever the
 * trigger (and so the cost) says. Above the floor the verdict is the trigger's, unchanged.
 */
export function withHealthFloor(verdict: TriggerVerdict, healthFactor: number, floor: number): TriggerVerdict {
  if (!(healthFactor < floor)) return verdict;
  return {
    rebalance: true,
    inflow: false,
    reason: `health factor ${healthFactor.toFixed(4)} below the floor ${floor}: acting regardless of cost (safety over cost; the trigger said: ${verdict.reason})`,
  };
}

/**
 * The position's verdict: the trigger's, held when the chain plan read now sends nothing (on target within the
 * lever's tolerance, or a debt the wallet's own units repay without a loan: `idle`), since no transaction could
 * follow it; then overridden by the health-factor floor (`withHealthFloor`).
 */
export function positionVerdict(verdict: TriggerVerdict, v: LendingCycleView): TriggerVerdict {
  const held: TriggerVerdict =
    verdict.rebalance && v.idle !== undefined
      ? { rebalance: false, inflow: false, reason: `${verdict.reason}; held: the chain plan sends nothing (${v.idle})` }
      : verdict;
  return withHealthFloor(held, v.healthFactor, v.minHealthFactor);
}

/** The line that names the flash fee in the cycle's reason. */
export function flashFeeNote(v: LendingCycleView, quote: string): string {
  if (v.flash === null) return `no flash loan planned${v.idle ? ` (${v.idle})` : ''}`;
  return `the plan's cost includes the flash fee ${v.flash.feeQuote.toFixed(6)} ${quote} (${v.flash.fee} base units, ${v.flash.lender}: the cheapest lender read at plan time)`;
}

/**
 * Several assets: each debt asset j holds its debt D_j (weight D_j / C: the debt weights sum to the LTV) and
 * each collateral asset i its share of the equity, C_i·(1 − LTV) (weight s_i·(1 − LTV)), in whole units at the
 * quote prices. The portfolio's target { debt_j: t_j·L', collateral_i: s_i·(1 − L') } is then the position's
 * target LTV L' and its shares, and every trigger reads the drift of each weight.
 */
export function multiPositionHoldings(assets: readonly PositionAsset[]): Record<string, number> {
  const c = assets.filter((a) => a.role === 'collateral').reduce((s, a) => s + a.value, 0);
  const d = assets.filter((a) => a.role === 'debt').reduce((s, a) => s + a.value, 0);
  const keep = c > 0 ? 1 - d / c : 0;
  return Object.fromEntries(
    assets.map((a) => [a.symbol, a.price > 0 ? (a.role === 'debt' ? a.value : a.value * keep) / a.price : 0]),
  );
}

/** The position's target LTV and shares from the portfolio's target (see multiPositionHoldings). */
export function multiTargetOf(
  target: Readonly<Record<string, number>>,
  collateral: readonly string[],
  debt: readonly string[],
): { targetLtv: number; shares: Record<string, number> } {
  const ltv = debt.reduce((s, a) => s + (target[a] ?? 0), 0);
  const shares: Record<string, number> = {};
  for (const a of collateral) shares[a] = ltv < 1 ? (target[a] ?? 0) / (1 - ltv) : 0;
  for (const a of debt) shares[a] = ltv > 0 ? (target[a] ?? 0) / ltv : 1 / debt.length;
  return { targetLtv: ltv, shares };
}
