/**
 * The portfolio file's `chain.lending` section (issue #23 item 1): one Aave v3 position with debt (one or several
 * collateral assets, one or several debt assets, with their target `shares`), rebalanced
 * by `ballast lever rebalance` through a BallastLeverage contract. Strict: unknown fields are errors; every
 * field is used (lever-plan.ts), and one that names an asset must name one of `chain.tokens` with a feed.
 */
import { z } from 'zod';
import { BallastError, type Next } from '../../core/errors.ts';
// type only: config.ts imports this file's schema (no runtime cycle)
import type { OnchainPortfolio } from './config.ts';

export class LendingConfigError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'LendingConfigError';
}

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address of 40 hex digits') as z.ZodType<`0x${string}`>;

export const lendingSectionSchema = z.strictObject({
  /** The Aave v3 Pool: its address, or `fixture` for the chain file's Pool (`ballast chain up`). */
  pool: z.union([z.literal('fixture'), address]),
  /** The BallastLeverage contract owned by the signing account (contracts/src/BallastLeverage.sol). */
  leverage: address,
  /** Symbol (of chain.tokens) supplied as collateral, sold when the position is deleveraged; or several. */
  collateral: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Symbol (of chain.tokens) borrowed, repaid with the flash loan; or several. */
  debt: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Several assets: the target share of the collateral value per collateral asset and of the debt per debt asset
   *  (each role's shares sum to 1; one asset of a role needs none). */
  shares: z.record(z.string(), z.number().min(0).max(1)).optional(),
  /** Health factor floor: below it the position is deleveraged; the transaction reverts if it ends below. */
  minHealthFactor: z.number().gt(1, 'must be > 1').max(100),
  /** Debt / collateral value to deleverage to (default liquidation threshold / minHealthFactor). */
  targetLtv: z.number().min(0).lt(1, 'must be < 1').optional(),
});

export type LendingSection = z.output<typeof lendingSectionSchema>;

/** The collateral assets, in order (one symbol or the list). */
export function collateralsOf(l: Pick<LendingSection, 'collateral'>): string[] {
  return typeof l.collateral === 'string' ? [l.collateral] : [...l.collateral];
}

export function debtsOf(l: Pick<LendingSection, 'debt'>): string[] {
  return typeof l.debt === 'string' ? [l.debt] : [...l.debt];
}

/** Several collateral or several debt assets: planned by the general plan (core/lending/multi-position.ts). */
export function isMultiAsset(l: Pick<LendingSection, 'collateral' | 'debt'>): boolean {
  return collateralsOf(l).length > 1 || debtsOf(l).length > 1;
}

/** A role's target shares: 1 for a lone asset, else `shares` (every asset named, summing to 1). */
export function sharesOf(l: LendingSection): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [role, list] of [
    ['collateral', collateralsOf(l)],
    ['debt', debtsOf(l)],
  ] as const) {
    if (list.length === 1) {
      const only = list[0] as string;
      if (l.shares?.[only] !== undefined && l.shares[only] !== 1)
        throw new LendingConfigError(`chain.lending.shares.${only}: the only ${role} asset's share is 1`);
      out[only] = 1;
      continue;
    }
    let sum = 0;
    for (const s of list) {
      const v = l.shares?.[s];
      if (v === undefined)
        throw new LendingConfigError(`chain.lending.shares.${s}: missing (several ${role} assets need a share each)`);
      out[s] = v;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-9)
      throw new LendingConfigError(`chain.lending.shares: the ${role} assets' shares sum to ${+sum.toFixed(9)}, not 1`);
  }
  for (const s of Object.keys(l.shares ?? {}))
    if (out[s] === undefined)
      throw new LendingConfigError(`chain.lending.shares.${s}: not one of the collateral or debt assets`);
  return out;
}

/** The lending section's assets must be distinct tokens of chain.tokens, each with a feed. */
export function checkLendingSection(p: OnchainPortfolio): LendingSection {
  const l = p.chain.lending;
  if (l === undefined)
    throw new LendingConfigError(
      'chain.lending: missing (pool, leverage, collateral, debt, minHealthFactor): lever rebalance needs a position with debt',
    );
  const seen = new Map<string, string>();
  for (const f of ['collateral', 'debt'] as const) {
    for (const s of f === 'collateral' ? collateralsOf(l) : debtsOf(l)) {
      if (!p.chain.tokens[s]) throw new LendingConfigError(`chain.lending.${f}: ${s} is not in chain.tokens`);
      if (!p.chain.feeds[s]) throw new LendingConfigError(`chain.lending.${f}: ${s} has no feed in chain.feeds`);
      const was = seen.get(s);
      if (was !== undefined)
        throw new LendingConfigError(
          was === f
            ? `chain.lending.${f}: ${s} is listed twice`
            : `chain.lending.debt: ${s} is also the collateral; they must differ`,
        );
      seen.set(s, f);
    }
  }
  if (isMultiAsset(l)) sharesOf(l);
  else if (l.shares !== undefined)
    throw new LendingConfigError('chain.lending.shares: only with several collateral or debt assets (lists)');
  return l;
}
