/**
 * The portfolio file's `chain.idle` section (issue #22): the wallet's idle sleeve on an Aave v3 market. `pool` is
 * the market's Pool (or `fixture`: the chain file's `contracts.aavePool`); per asset, the `share` of its holding
 * kept supplied and the liquid `buffer` (whole tokens, an exact decimal) kept in the wallet. Strict: an unknown
 * field, a share outside [0, 1] or a buffer that is not a non-negative decimal is refused, naming the field.
 */
import { z } from 'zod';

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address of 40 hex digits or "fixture"') as z.ZodType<`0x${string}`>;

const DECIMAL = /^\d+(\.\d+)?$/;

/** Whole tokens, exact: a decimal string ("250.5") or a plain non-negative number (250.5). */
const tokens = z
  .union([z.string(), z.number().nonnegative('must be ≥ 0')])
  .transform((v) => String(v))
  .pipe(z.string().regex(DECIMAL, 'must be a non-negative decimal number of whole tokens, e.g. "250.5"'));

export const idleAssetSchema = z.strictObject({
  /** Fraction of the asset's holding (wallet + what its aTokens redeem to) kept supplied, in [0, 1]. */
  share: z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]'),
  /** Whole tokens kept liquid in the wallet after a rebalance (when the asset holds that much); default 0. */
  buffer: tokens.default('0'),
});

export const idleSectionSchema = z.strictObject({
  /** The Aave v3 Pool; `fixture` = the chain file's contracts.aavePool. Must be the executor's Aave Pool. */
  pool: z.union([z.literal('fixture'), address]),
  /** Symbol → its sleeve; every symbol must be an asset of the portfolio (checkChainSection). */
  assets: z
    .record(z.string().min(1), idleAssetSchema)
    .refine((a) => Object.keys(a).length > 0, 'must list at least one asset'),
});

export type IdleSection = z.output<typeof idleSectionSchema>;
