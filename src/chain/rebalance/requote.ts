/**
 * Re-quote at send time (issue #18 item 3): just before the batch is sent, the oracle prices and every pool are
 * read again and the same sized trades are routed jointly again on that state, so the legs' amounts and minimum
 * outputs match the chain the batch will meet (a pool moved since the dry run by someone else is simply routed
 * around or through). The batch is refused — one line, nothing sent — only if the re-solved plan breaks a
 * guard: an oracle check, a used pool beyond maxDeviationBps, or an expected value more than maxSlippageBps
 * below the plan that was approved. The executor's own checks (minOut per leg, total value) run on chain.
 */
import type { Address, Hex, PublicClient } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import type { Fixture } from '../fixture/types.ts';
import { validatedPrices } from '../oracles/guard.ts';
import type { OnchainPortfolio } from './config.ts';
import { type PermitSigner, type Prepared, type Routed, routeSleeve } from './prepare.ts';
import type { VerifyRpc } from './verify.ts';

export class RequoteError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'RequoteError';
}

export async function requote(
  client: PublicClient,
  p: OnchainPortfolio,
  f: Fixture,
  owner: Address,
  executor: Address,
  pr: Prepared,
  /** The rebalance id the executor records (rebalanceId(portfolio, cycle)). */
  id?: Hex,
  verify?: VerifyRpc,
  permit?: PermitSigner,
): Promise<Routed> {
  const prices = await validatedPrices(
    client,
    { feeds: p.chain.feeds, sequencer: p.chain.sequencer, maxDeviationBps: p.chain.maxDeviationBps },
    [...pr.tokens.values()],
  );
  // the idle sleeve's withdrawals and supplies around the re-quoted swaps (the sleeve as read when preparing)
  const r = await routeSleeve(
    client,
    p,
    f,
    owner,
    executor,
    pr.tokens,
    prices,
    pr.batch.sizes,
    id,
    verify,
    { ...(pr.sleeve ? { idle: pr.sleeve.state, limits: pr.sleeve.plan } : {}) },
    permit,
  );
  const before = pr.batch.route.value;
  const now = r.batch.route.value;
  if (now < before * (1 - p.chain.maxSlippageBps / 1e4))
    throw new RequoteError(
      `re-quoted at send time: the batch now yields ${now.toFixed(2)} USD at the oracles, ${(((before - now) / before) * 1e4).toFixed(1)} bps below the approved ${before.toFixed(2)} (maxSlippageBps ${p.chain.maxSlippageBps}): nothing sent`,
      { details: { before, now } },
    );
  return r;
}
