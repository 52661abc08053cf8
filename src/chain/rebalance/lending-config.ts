/**
 * The portfolio file's `chain.lending` section (issue #23 item 1): one Aave v3 position with debt, rebalanced
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
  /** Symbol (of chain.tokens) supplied as collateral, sold when the position is deleveraged. */
  collateral: z.string().min(1),
  /** Symbol (of chain.tokens) borrowed, repaid with the flash loan. */
  debt: z.string().min(1),
  /** Health factor floor: below it the position is deleveraged; the transaction reverts if it ends below. */
  minHealthFactor: z.number().gt(1, 'must be > 1').max(100),
  /** Debt / collateral value to deleverage to (default liquidation threshold / minHealthFactor). */
  targetLtv: z.number().min(0).lt(1, 'must be < 1').optional(),
});

export type LendingSection = z.output<typeof lendingSectionSchema>;

/** The lending section's assets must be distinct tokens of chain.tokens, each with a feed. */
export function checkLendingSection(p: OnchainPortfolio): LendingSection {
  const l = p.chain.lending;
  if (l === undefined)
    throw new LendingConfigError(
      'chain.lending: missing (pool, leverage, collateral, debt, minHealthFactor): lever rebalance needs a position with debt',
    );
  for (const f of ['collateral', 'debt'] as const) {
    const s = l[f];
    if (!p.chain.tokens[s]) throw new LendingConfigError(`chain.lending.${f}: ${s} is not in chain.tokens`);
    if (!p.chain.feeds[s]) throw new LendingConfigError(`chain.lending.${f}: ${s} has no feed in chain.feeds`);
  }
  if (l.collateral === l.debt)
    throw new LendingConfigError(`chain.lending.debt: ${l.debt} is also the collateral; they must differ`);
  return l;
}
