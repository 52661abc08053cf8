/**
 * The portfolio file's strict `chain` section (issue #8 §5): token addresses, one Chainlink-style feed per
 * token with its heartbeat and margin (no defaults: a heartbeat is per feed), an optional L2 sequencer uptime
 * feed, and the slippage and deviation limits. Unknown fields are errors, as in the rest of the file.
 */
import { z } from 'zod';
import { portfolioSchema } from '../../core/config/schema.ts';
import { BallastError, type Next } from '../../core/errors.ts';
import { idleSectionSchema } from './idle-config.ts';
import { lendingSectionSchema } from './lending-config.ts';

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address of 40 hex digits') as z.ZodType<`0x${string}`>;
const seconds = z.number().int().min(0);

export const feedSchema = z.strictObject({ address, heartbeatSec: seconds.min(1), marginSec: seconds });

export const chainSectionSchema = z.strictObject({
  /** Symbol → ERC20 address; every asset of `target` (the quote included) must be listed. */
  tokens: z.record(z.string().min(1), address),
  /** Symbol → TOKEN/USD feed. */
  feeds: z.record(z.string().min(1), feedSchema),
  sequencer: z.strictObject({ address, gracePeriodSec: seconds }).optional(),
  /** The deployed BallastExecutor (owned by the signing account); `--deploy-executor` prints one. */
  executor: address.optional(),
  /** Owner whose balances are rebalanced when no key is given (a dry run). */
  owner: address.optional(),
  maxSlippageBps: z.number().int().min(0).max(1000),
  maxDeviationBps: z.number().int().min(1).max(5000),
  /**
   * How the executor gets the owner's tokens (issue #19): "standing" = approve(executor, max) once per token;
   * "permit2" = approve(Permit2, max) once per token and one Permit2 batch signature per rebalance (the chain
   * file's contracts.permit2; an executor deployed with it).
   */
  approvals: z.enum(['standing', 'permit2']).default('standing'),
  /** Seconds from the latest block to the batch's deadline. */
  deadlineSec: z.number().int().min(15).max(3600).default(300),
  /** The idle sleeve on an Aave v3 market (issue #22; idle-config.ts). */
  idle: idleSectionSchema.optional(),
  /** A position with debt on an Aave v3 market (issue #23, lending-config.ts): `ballast lever rebalance`. */
  lending: lendingSectionSchema.optional(),
});

export type ChainSection = z.output<typeof chainSectionSchema>;

/** The portfolio file with its chain section (strict everywhere). */
export const onchainPortfolioSchema = portfolioSchema.extend({ chain: chainSectionSchema });
export type OnchainPortfolio = z.output<typeof onchainPortfolioSchema>;

export class ChainConfigError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'ChainConfigError';
}

/** Checks that every asset of the target has a token address and a feed (a missing one is an error). */
export function checkChainSection(p: OnchainPortfolio): void {
  const assets = new Set([...Object.keys(p.target), p.quote]);
  const missing: string[] = [];
  for (const a of assets) {
    if (!p.chain.tokens[a]) missing.push(`chain.tokens.${a}`);
    if (!p.chain.feeds[a]) missing.push(`chain.feeds.${a} (address, heartbeatSec, marginSec)`);
  }
  for (const a of Object.keys(p.chain.idle?.assets ?? {}))
    if (!assets.has(a))
      throw new ChainConfigError(`chain.idle.assets.${a}: not an asset of the portfolio (target or quote)`);
  if (missing.length > 0) throw new ChainConfigError(`the portfolio's chain section lacks: ${missing.join(', ')}`);
}
