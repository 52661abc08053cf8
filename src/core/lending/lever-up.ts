/**
 * Levering a position with debt UP to its target LTV (issue #23 item 1: "a target that includes a health-factor
 * floor and optionally a leverage target"), pure. One collateral asset `c` backing one debt asset `d`: a flash
 * loan of `supply` collateral units is supplied for the owner, `borrow` debt units are borrowed on the owner's
 * behalf and swapped back into the collateral to repay the loan. Each unit of collateral value added costs
 * (1 + cost) of debt value (the swap's costs, the slippage allowed and the loan's fee), so the added value y
 * solves (D + y·(1 + cost)) / (C + y) = t: y = (t·C − D) / (1 + cost − t).
 *
 * The LTV after is increasing in y, so rounding y down (and the borrow down) never lands above t, and the target
 * is capped at liquidationThreshold / minHealthFactor: the plan never levers past the health-factor floor.
 */
import { healthFactor, type LendingLeg, LeverageConfigError, type LeverageTarget, validateTarget } from './leverage.ts';

export interface LeverUpPlan {
  /** Collateral units flash-borrowed and supplied for the owner (0: nothing to do). */
  readonly supply: bigint;
  /** Debt units borrowed on the owner's behalf and swapped into the collateral (repays the loan). */
  readonly borrow: bigint;
  /** The LTV the plan aims at (the target, capped at the floor's). */
  readonly targetLtv: number;
  readonly reason: string;
}

/** Below this many LTV points under the target the position counts as on target (no dust transactions). */
export const LEVER_UP_TOLERANCE = 0.001;

const units = (x: bigint, d: number): number => Number(x) / 10 ** d;

/**
 * Nothing unless `target.targetLtv` is set and the LTV is more than LEVER_UP_TOLERANCE below it (a position
 * without a leverage target is only ever deleveraged). `cost` ≥ 0: extra debt value per unit of collateral value.
 */
export function planLeverUp(
  legs: readonly LendingLeg[],
  c: number,
  d: number,
  target: LeverageTarget,
  cost: number,
): LeverUpPlan {
  validateTarget(target);
  if (!(cost >= 0) || !Number.isFinite(cost))
    throw new LeverageConfigError('lever-up cost must be a finite number ≥ 0');
  const cl = legs[c] as LendingLeg;
  const dl = legs[d] as LendingLeg;
  const none = (t: number, reason: string): LeverUpPlan => ({ supply: 0n, borrow: 0n, targetLtv: t, reason });
  if (target.targetLtv === undefined) return none(0, 'no targetLtv: a position is only deleveraged');
  const t = Math.min(target.targetLtv, cl.liquidationThreshold / target.minHealthFactor);
  const C = units(cl.collateral, cl.decimals) * cl.price;
  const D = units(dl.debt, dl.decimals) * dl.price;
  if (C === 0) return none(t, 'no collateral to lever');
  if (D / C >= t - LEVER_UP_TOLERANCE || healthFactor(legs) < target.minHealthFactor)
    return none(t, 'on target: no lever up');
  const y = (t * C - D) / (1 + cost - t);
  const supply = BigInt(Math.floor((y / cl.price) * 10 ** cl.decimals));
  const added = units(supply, cl.decimals) * cl.price;
  const borrow = BigInt(Math.floor(((added * (1 + cost)) / dl.price) * 10 ** dl.decimals));
  if (supply === 0n || borrow === 0n) return none(t, 'on target: the lever up rounds to nothing');
  return { supply, borrow, targetLtv: t, reason: 'below the target LTV: flash loan of the collateral' };
}

/** The position after a lever-up plan (collateral + supply, debt + borrow), as the core sees it. */
export function afterLeverUp(legs: readonly LendingLeg[], c: number, d: number, p: LeverUpPlan): LendingLeg[] {
  return legs.map((l, i) =>
    i === c ? { ...l, collateral: l.collateral + p.supply } : i === d ? { ...l, debt: l.debt + p.borrow } : l,
  );
}
