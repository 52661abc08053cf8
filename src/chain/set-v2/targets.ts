/**
 * Target units of a SetToken for target weights at oracle prices (issue #21 item 4): what the manager passes to
 * GeneralIndexModule.startRebalance. Exact integer arithmetic; a unit is rounded down (never above the weight).
 */
import { FixtureError } from '../errors.ts';

export interface UnitPrice {
  /** The feed's answer (USD, `feedDecimals` decimals). */
  readonly answer: bigint;
  readonly feedDecimals: number;
  /** The component token's decimals. */
  readonly decimals: number;
}

/** USD × 1e18 of `amount` base units. */
export function valueE18(amount: bigint, p: UnitPrice): bigint {
  return (amount * p.answer * 10n ** 18n) / 10n ** BigInt(p.decimals + p.feedDecimals);
}

/**
 * Units per SetToken that hold `weightsBps` (summing to 10,000) of the NAV of `units` at `prices`, component by
 * component in the same order.
 */
export function targetUnits(
  units: readonly bigint[],
  prices: readonly UnitPrice[],
  weightsBps: readonly number[],
): bigint[] {
  if (units.length !== prices.length || units.length !== weightsBps.length)
    throw new FixtureError('targetUnits: units, prices and weights must have one entry per component');
  if (weightsBps.reduce((s, w) => s + w, 0) !== 10_000 || weightsBps.some((w) => !Number.isInteger(w) || w < 0))
    throw new FixtureError(`targetUnits: weights must be whole bps summing to 10000, got ${weightsBps.join(', ')}`);
  const nav = units.reduce((s, u, i) => s + valueE18(u, prices[i]!), 0n);
  return prices.map((p, i) => {
    if (p.answer <= 0n) throw new FixtureError(`targetUnits: price ${i} is not positive`);
    return (
      (nav * BigInt(weightsBps[i]!) * 10n ** BigInt(p.decimals + p.feedDecimals)) / (10_000n * p.answer * 10n ** 18n)
    );
  });
}
