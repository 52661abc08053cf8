/**
 * Looking a portfolio's unfinished orders up at its venue (never re-sending them): the one call the cycle's
 * reconcile stage and a plan review share.
 */
import { restingOf } from '../../core/cycle-decision.ts';
import { type ReconcileReport, reconcileUnfinished } from '../../orders/index.ts';
import { ClaimLostError } from '../../store/claims.ts';
import { Claim } from '../gate/claim.ts';
import type { PortfolioRunner } from './portfolio-runner.ts';

/** Every unfinished order of the portfolio looked up and journaled (the caller holds the portfolio's claim). */
export function lookUpUnfinished(r: PortfolioRunner): Promise<ReconcileReport> {
  return reconcileUnfinished(r.deps.journal.orders, r.deps.venue, {
    clock: { now: r.deps.now },
    portfolioId: r.id,
    recvWindowMs: r.deps.recvWindowMs,
    hook: r.deps.crashHook,
  });
}

/**
 * Before a plan review: an order the journal last saw resting at the venue (open, partly filled) is looked up
 * now, so its fill or cancel since the last cycle does not hold the review until the next cycle. It runs under
 * the portfolio's claim, as a cycle's reconciliation does; when a cycle or an approval holds the claim, nothing
 * is looked up and the decision reads the journal as it is (that work reconciles it). A paused portfolio is
 * refused whatever its orders, so it is not looked up. Gives whether it looked.
 */
export async function lookUpResting(r: PortfolioRunner): Promise<boolean> {
  if (r.paused) return false;
  if (restingOf(await r.deps.journal.orders.unfinishedIntents(r.id)).length === 0) return false;
  let claim: Claim;
  try {
    claim = await Claim.take(r.deps.journal, { portfolioId: r.id, source: 'cycle', at: r.deps.now() });
  } catch (e) {
    if (e instanceof ClaimLostError) return false;
    throw e;
  }
  try {
    await lookUpUnfinished(r);
    return true;
  } finally {
    await claim.release();
  }
}
