/**
 * A position with several collateral assets and several debt assets (issue #23 item 1), pure: ONE general plan.
 *
 * The target is the position's LTV L' (debt / collateral value) and the shares of the collateral among the
 * collateral assets (s_i, summing to 1) and of the debt among the debt assets (t_j, summing to 1). From the
 * position's equity E = C − D the target holdings are C'_i = s_i·E'/(1 − L') and D'_j = t_j·L'·E'/(1 − L'), where
 * E' = E − cost·R is the equity left once the swaps' costs (`cost` per unit of value sold, R the value withdrawn
 * and borrowed) are paid: the plan lands ON the target after costs (a few fixed-point rounds).
 *
 * Δc_i = C'_i − C_i, Δd_j = D'_j − D_j. Sinks (Δc > 0: supply; Δd < 0: repay) need their tokens before any swap;
 * sources (Δc < 0: withdraw; Δd > 0: borrow) are swapped into the sinks' tokens. When the position still passes
 * Aave's checks after the sources alone (Σ C''_i·maxLtv_i ≥ D''·(1 + LOAN_MARGIN)), the sources go first and no
 * loan is taken; otherwise the sinks' tokens are flash-borrowed (one loan of several tokens), supplied and repaid
 * first (the health factor is highest then), the sources follow, and the swaps repay the loan.
 */
import { LeverageConfigError } from './leverage.ts';

export interface MultiLeg {
  readonly symbol: string;
  readonly role: 'collateral' | 'debt';
  /** Quote per whole unit. */
  readonly price: number;
  readonly decimals: number;
  /** The position's collateral (role collateral) or debt (role debt) in smallest units. */
  readonly amount: bigint;
  /** Target share of the collateral (or of the debt) this asset holds; shares of each role sum to 1. */
  readonly share: number;
  /** Aave's liquidation threshold and max LTV of the asset as collateral (0.825 = 82.5%). */
  readonly liquidationThreshold: number;
  readonly maxLtv: number;
}

export interface MultiTarget {
  readonly minHealthFactor: number;
  /** The LTV to rebalance to; absent: the current LTV, lowered to the floor's when above it (deleverage only). */
  readonly targetLtv?: number;
}

export interface MultiPlan {
  /** The LTV aimed at. */
  readonly targetLtv: number;
  /** Per leg (same order): collateral Δc or debt Δd in smallest units (> 0 supply/borrow, < 0 withdraw/repay). */
  readonly deltas: readonly bigint[];
  /** Per leg: the units flash-borrowed (the sinks: supplies and repayments) when a loan is needed, else 0. */
  readonly loans: readonly bigint[];
  readonly needsLoan: boolean;
  /** Value withdrawn and borrowed (sold), and supplied and repaid (bought), in the quote. */
  readonly sold: number;
  readonly bought: number;
  readonly reason: string;
}

/** Fraction of borrowing power kept free when the sources run first without a loan. */
export const LOAN_MARGIN = 0.02;
/** Below this largest |Δ| / collateral value the position is on target (no dust transactions). */
export const MULTI_TOLERANCE = 0.001;
/** When the floor caps the LTV, the plan aims this fraction below it (rounding never crosses the floor). */
const FLOOR_MARGIN = 1e-4;

const units = (x: bigint, d: number): number => Number(x) / 10 ** d;
const value = (l: MultiLeg, x: bigint): number => units(x, l.decimals) * l.price;
const toUnits = (v: number, l: MultiLeg, up: boolean): bigint => {
  const u = (v / l.price) * 10 ** l.decimals;
  return BigInt(up ? Math.ceil(u) : Math.floor(u));
};

/** The shares of each role sum to 1 and an asset appears once; the target's health factor clears the floor. */
export function validateMulti(legs: readonly MultiLeg[], t: MultiTarget): void {
  if (!(t.minHealthFactor > 1)) throw new LeverageConfigError('chain.lending.minHealthFactor must be > 1');
  const seen = new Set<string>();
  for (const l of legs) {
    if (seen.has(l.symbol))
      throw new LeverageConfigError(`chain.lending: ${l.symbol} is both collateral and debt (or listed twice)`);
    seen.add(l.symbol);
    if (!(l.share >= 0 && l.share <= 1))
      throw new LeverageConfigError(`chain.lending.shares.${l.symbol}: must be in [0, 1]`);
  }
  for (const role of ['collateral', 'debt'] as const) {
    const of = legs.filter((l) => l.role === role);
    if (of.length === 0) throw new LeverageConfigError(`chain.lending.${role}: at least one asset`);
    const sum = of.reduce((s, l) => s + l.share, 0);
    if (Math.abs(sum - 1) > 1e-9)
      throw new LeverageConfigError(
        `chain.lending.shares: the ${role} assets' shares sum to ${+sum.toFixed(9)}, not 1`,
      );
  }
  if (t.targetLtv !== undefined) {
    if (!(t.targetLtv >= 0 && t.targetLtv < 1)) throw new LeverageConfigError('chain.lending.targetLtv: in [0, 1)');
    const hf = targetHealthFactor(legs, t.targetLtv);
    if (hf < t.minHealthFactor)
      throw new LeverageConfigError(
        `chain.lending.targetLtv: ${t.targetLtv} with these shares leaves a health factor of ${hf.toFixed(3)}, below minHealthFactor ${t.minHealthFactor}`,
      );
  }
}

/** The health factor of the target: Σ s_i·LT_i / L' (Infinity at L' = 0). */
export function targetHealthFactor(legs: readonly MultiLeg[], ltv: number): number {
  const lt = legs.filter((l) => l.role === 'collateral').reduce((s, l) => s + l.share * l.liquidationThreshold, 0);
  return ltv === 0 ? Number.POSITIVE_INFINITY : lt / ltv;
}

export function multiCollateralValue(legs: readonly MultiLeg[]): number {
  return legs.filter((l) => l.role === 'collateral').reduce((s, l) => s + value(l, l.amount), 0);
}

export function multiDebtValue(legs: readonly MultiLeg[]): number {
  return legs.filter((l) => l.role === 'debt').reduce((s, l) => s + value(l, l.amount), 0);
}

/** Aave's health factor of the position: Σ C_i·LT_i / D (Infinity without debt). */
export function multiHealthFactor(legs: readonly MultiLeg[]): number {
  const d = multiDebtValue(legs);
  if (d === 0) return Number.POSITIVE_INFINITY;
  const c = legs
    .filter((l) => l.role === 'collateral')
    .reduce((s, l) => s + value(l, l.amount) * l.liquidationThreshold, 0);
  return c / d;
}

/** Net exposure weights of the position: +C_i / E for collateral, −D_j / E for debt (E = C − D). */
export function multiNetWeights(legs: readonly MultiLeg[]): number[] {
  const e = multiCollateralValue(legs) - multiDebtValue(legs);
  return legs.map((l) => (e === 0 ? 0 : ((l.role === 'collateral' ? 1 : -1) * value(l, l.amount)) / e));
}

/** The target's net exposure weights: s_i / (1 − L') for collateral, −t_j·L' / (1 − L') for debt. */
export function multiTargetWeights(legs: readonly MultiLeg[], ltv: number): number[] {
  return legs.map((l) => (l.role === 'collateral' ? l.share / (1 - ltv) : (-l.share * ltv) / (1 - ltv)));
}

/** The position after a plan's deltas. */
export function applyMulti(legs: readonly MultiLeg[], deltas: readonly bigint[]): MultiLeg[] {
  return legs.map((l, i) => ({ ...l, amount: l.amount + (deltas[i] ?? 0n) }));
}

/** Whether Aave lets the sources (withdrawals, borrows) run first, with LOAN_MARGIN of borrowing power spare. */
export function sourcesFirstAllowed(legs: readonly MultiLeg[], deltas: readonly bigint[]): boolean {
  const mid = applyMulti(
    legs,
    deltas.map((d, i) => {
      const l = legs[i] as MultiLeg;
      const source = l.role === 'collateral' ? d < 0n : d > 0n;
      return source ? d : 0n;
    }),
  );
  const debt = multiDebtValue(mid);
  if (debt === 0) return true;
  const power = mid.filter((l) => l.role === 'collateral').reduce((s, l) => s + value(l, l.amount) * l.maxLtv, 0);
  return power >= debt * (1 + LOAN_MARGIN);
}

/** The LTV the plan aims at (see MultiTarget). */
export function aimedLtv(legs: readonly MultiLeg[], t: MultiTarget): number {
  const floorLtv = targetHealthFactor(legs, 1) / t.minHealthFactor;
  const c = multiCollateralValue(legs);
  const now = c === 0 ? 0 : multiDebtValue(legs) / c;
  if (t.targetLtv !== undefined) return Math.min(t.targetLtv, floorLtv * (1 - FLOOR_MARGIN));
  return now > floorLtv ? floorLtv * (1 - FLOOR_MARGIN) : now;
}

/**
 * The plan (see the file's comment). `cost` ≥ 0: value lost per unit of value sold (slippage allowed, the
 * route's costs, the loan's fee).
 */
export function planMulti(legs: readonly MultiLeg[], t: MultiTarget, cost: number): MultiPlan {
  validateMulti(legs, t);
  if (!(cost >= 0 && cost < 0.5)) throw new LeverageConfigError('multi-asset plan cost must be in [0, 0.5)');
  const L = aimedLtv(legs, t);
  const C = multiCollateralValue(legs);
  const E = C - multiDebtValue(legs);
  const none = (reason: string): MultiPlan => ({
    targetLtv: L,
    deltas: legs.map(() => 0n),
    loans: legs.map(() => 0n),
    needsLoan: false,
    sold: 0,
    bought: 0,
    reason,
  });
  if (C === 0 || E <= 0) return none('no equity in the position: nothing to rebalance');
  const targetValue = (l: MultiLeg, e: number) =>
    l.role === 'collateral' ? (l.share * e) / (1 - L) : (l.share * L * e) / (1 - L);
  let eff = E;
  let dv: number[] = [];
  for (let round = 0; round < 8; round++) {
    dv = legs.map((l) => targetValue(l, eff) - value(l, l.amount));
    const sold = legs.reduce(
      (s, l, i) => s + (l.role === 'collateral' ? Math.max(0, -dv[i]!) : Math.max(0, dv[i]!)),
      0,
    );
    eff = E - cost * sold;
  }
  const largest = dv.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  if (largest / C < MULTI_TOLERANCE && multiHealthFactor(legs) >= t.minHealthFactor)
    return none('on target: no swap, no loan');
  // sinks round down (never borrow more than needed), sources round up (never short of the sinks), capped at
  // what the position holds
  const deltas = legs.map((l, i) => {
    const v = dv[i] as number;
    const sink = l.role === 'collateral' ? v > 0 : v < 0;
    const u = toUnits(Math.abs(v), l, !sink);
    const signed = v < 0 ? -u : u;
    return signed < 0n && -signed > l.amount ? -l.amount : signed;
  });
  const isSink = (l: MultiLeg, d: bigint) => (l.role === 'collateral' ? d > 0n : d < 0n);
  const needsLoan = !sourcesFirstAllowed(legs, deltas);
  const loans = legs.map((l, i) => {
    const d = deltas[i] as bigint;
    return needsLoan && isSink(l, d) ? (d < 0n ? -d : d) : 0n;
  });
  let sold = 0;
  let bought = 0;
  legs.forEach((l, i) => {
    const d = deltas[i] as bigint;
    const v = value(l, d < 0n ? -d : d);
    if (isSink(l, d)) bought += v;
    else sold += v;
  });
  return {
    targetLtv: L,
    deltas,
    loans,
    needsLoan,
    sold,
    bought,
    reason: needsLoan
      ? 'collateral locked: one flash loan of the supplied and repaid tokens'
      : 'withdrawals and borrows first, no loan',
  };
}
