/**
 * Positions with debt (issue #23 item 1) and the funding of a locked leg (item 2), pure.
 *
 * A wallet portfolio may hold, per asset, wallet units, collateral supplied to an Aave market and debt borrowed
 * from it. Value and drift count NET exposure: wallet + collateral − debt. A leg whose input is collateral backing
 * a debt is locked: it can only be sold after part of the debt is repaid, so the plan funds that repayment with a
 * flash loan, unless the wallet already holds the debt asset it needs (then no loan is ever taken).
 */
import { BallastError, type Next } from '../errors.ts';

export class LeverageConfigError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'LeverageConfigError';
}

export interface LendingLeg {
  readonly symbol: string;
  /** Quote per whole unit. */
  readonly price: number;
  readonly decimals: number;
  /** Units in the wallet, supplied as collateral, borrowed (smallest units). */
  readonly wallet: bigint;
  readonly collateral: bigint;
  readonly debt: bigint;
  /** Aave's liquidation threshold of the asset as collateral (0.825 = 82.5%). */
  readonly liquidationThreshold: number;
}

export interface LeverageTarget {
  /** Health factor floor (> 1): below it the position is deleveraged. */
  readonly minHealthFactor: number;
  /** Optional debt / collateral value to rebalance to (must keep the health factor ≥ the floor). */
  readonly targetLtv?: number;
}

const units = (x: bigint, d: number): number => Number(x) / 10 ** d;

/** Net exposure of one asset in its smallest units: wallet + collateral − debt (negative when short). */
export function netExposure(l: LendingLeg): bigint {
  return l.wallet + l.collateral - l.debt;
}

/** Net value of the portfolio in the quote. */
export function netValue(legs: readonly LendingLeg[]): number {
  return legs.reduce((s, l) => s + units(netExposure(l), l.decimals) * l.price, 0);
}

/** Net weights (net value of each asset over the portfolio's net value). */
export function netWeights(legs: readonly LendingLeg[]): number[] {
  const v = netValue(legs);
  return legs.map((l) => (v === 0 ? 0 : (units(netExposure(l), l.decimals) * l.price) / v));
}

/** Largest |net weight − target| (the drift triggers see). */
export function netDrift(legs: readonly LendingLeg[], targets: readonly number[]): number {
  const w = netWeights(legs);
  return w.reduce((m, x, i) => Math.max(m, Math.abs(x - (targets[i] ?? 0))), 0);
}

export function collateralValue(legs: readonly LendingLeg[]): number {
  return legs.reduce((s, l) => s + units(l.collateral, l.decimals) * l.price, 0);
}

export function debtValue(legs: readonly LendingLeg[]): number {
  return legs.reduce((s, l) => s + units(l.debt, l.decimals) * l.price, 0);
}

/** Aave's health factor: Σ collateral × threshold / Σ debt (Infinity without debt). */
export function healthFactor(legs: readonly LendingLeg[]): number {
  const d = debtValue(legs);
  if (d === 0) return Number.POSITIVE_INFINITY;
  return legs.reduce((s, l) => s + units(l.collateral, l.decimals) * l.price * l.liquidationThreshold, 0) / d;
}

export function validateTarget(t: LeverageTarget): void {
  if (!(t.minHealthFactor > 1)) throw new LeverageConfigError('leverage.minHealthFactor must be > 1');
  if (t.targetLtv !== undefined && !(t.targetLtv >= 0 && t.targetLtv < 1)) {
    throw new LeverageConfigError('leverage.targetLtv must be in [0, 1)');
  }
}

export interface DeleveragePlan {
  /** Debt repaid (debt asset units) and collateral withdrawn and sold (collateral asset units). */
  readonly repay: bigint;
  readonly withdraw: bigint;
  /** The flash loan of the debt asset the repayment needs beyond the wallet's own (0: no loan). */
  readonly loan: bigint;
  readonly reason: string;
}

/**
 * One collateral asset `c` backing one debt asset `d`. When the health factor is below the floor (or the LTV above
 * `targetLtv`), repays x of debt value and sells x·(1 + sellCost) of collateral so that debt / collateral lands on
 * the target: x = (D − t·C) / (1 − t·(1 + sellCost)). The repayment first uses the wallet's own debt asset;
 * only the rest is a flash loan. Within `band` LTV points above the target (and HF ≥ the floor) it is on target.
 */
export function planDeleverage(
  legs: readonly LendingLeg[],
  c: number,
  d: number,
  target: LeverageTarget,
  sellCost: number,
  /** LTV points above the target still counted on target (0: none): interest accrued since a lever up. */
  band = 0,
): DeleveragePlan {
  validateTarget(target);
  const cl = legs[c] as LendingLeg;
  const dl = legs[d] as LendingLeg;
  const C = units(cl.collateral, cl.decimals) * cl.price;
  const D = units(dl.debt, dl.decimals) * dl.price;
  const t = target.targetLtv ?? cl.liquidationThreshold / target.minHealthFactor;
  const hf = healthFactor(legs);
  if (D <= (t + band) * C && hf >= target.minHealthFactor) {
    return { repay: 0n, withdraw: 0n, loan: 0n, reason: 'on target: no repayment, no loan' };
  }
  const x = Math.max(0, (D - t * C) / (1 - t * (1 + sellCost)));
  const repayUnits = BigInt(Math.floor((Math.min(x, D) / dl.price) * 10 ** dl.decimals));
  const repay = repayUnits > dl.debt ? dl.debt : repayUnits;
  const wUnits = BigInt(Math.ceil(((x * (1 + sellCost)) / cl.price) * 10 ** cl.decimals));
  const withdraw = wUnits > cl.collateral ? cl.collateral : wUnits;
  const loan = repay > dl.wallet ? repay - dl.wallet : 0n;
  return { repay, withdraw, loan, reason: loan === 0n ? 'repaid from the wallet' : 'collateral locked: flash loan' };
}
