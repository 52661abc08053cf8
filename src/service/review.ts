import { randomUUID } from 'node:crypto';
import { BallastError, type Next } from '../core/errors.ts';
import type { Plan } from '../core/planner/describe.ts';
import { ClaimLostError } from '../store/claims.ts';
import type { StoredPlan } from '../store/index.ts';
import { JournalConflictError, planHash } from '../store/index.ts';
import type { Store } from '../store/ports.ts';
import type { ReviewPlan } from './facade.ts';
import { Claim } from './gate/claim.ts';
import { sendOrders } from './gate/send-orders.ts';
import { lookUpResting } from './runner/look-up.ts';
import type { PortfolioRunner } from './runner/portfolio-runner.ts';
import { venueConfigOf } from './venues.ts';

/** How long a reviewed plan stays executable, and how far prices may move before it is refused. */
export const PLAN_TTL_MS = 5 * 60_000;
export const PLAN_PRICE_TOLERANCE_BPS = 50;
/**
 * How far any holding may move (its value at the plan's prices, over the portfolio's) before a plan is stale:
 * 0.01 bp, above float noise and below any trade the planner makes (a cycle's smallest trade moved 7.5 bp).
 */
export const PLAN_HOLDINGS_TOLERANCE_BPS = 0.01;

interface StoredReview {
  readonly plan: Plan;
  readonly prices: Record<string, number>;
  /** The holdings the plan was made from (absent in plans stored before this rule: those are refused). */
  readonly balances?: Record<string, number>;
}

/**
 * Why a plan no longer fits the portfolio: a holding moved by more than PLAN_HOLDINGS_TOLERANCE_BPS of the
 * portfolio's value since the plan was made (a cycle or another approval traded, a deposit or a withdrawal,
 * a trade outside Ballast). Executing it would trade a drift that is gone: a second sell of the same excess.
 */
export function holdingsMoved(body: StoredReview, now: Record<string, number>): string | null {
  if (body.balances === undefined) return 'the plan does not record the holdings it was made from: plan again';
  const before = body.balances;
  const price = (a: string) => body.prices[a] ?? 1;
  const total = Object.entries(before).reduce((v, [a, q]) => v + q * price(a), 0);
  const moved: string[] = [];
  for (const a of new Set([...Object.keys(before), ...Object.keys(now)])) {
    const q0 = before[a] ?? 0;
    const q1 = now[a] ?? 0;
    if (total > 0 && (Math.abs(q1 - q0) * price(a) * 1e4) / total > PLAN_HOLDINGS_TOLERANCE_BPS)
      moved.push(`${a} ${q0} → ${q1}`);
  }
  return moved.length === 0
    ? null
    : `holdings changed since the plan (${moved.join(', ')}): a trade or a transfer came first; plan again`;
}

/**
 * Review then execute: a plan with an id, a hash and an expiry, stored in the journal. The plan is the
 * core's decision at a forced trigger: trades over maxOrderNotional are left out (as skipped lines), and a
 * portfolio that is paused, has an unresolved leg or an order resting at the venue gets no plan (one in
 * cooldown gets a plan whose approval is refused until the cooldown ends).
 */
export async function createReviewPlan(runner: PortfolioRunner, journal: Store, now: number): Promise<ReviewPlan> {
  // an order the last cycle left resting may have filled or been canceled since: looked up first
  await lookUpResting(runner);
  const seen = await runner.observe();
  if (!seen.ok) throw new PlanRefusedError(seen.reason);
  const verdict = { rebalance: true, reason: 'plan for review', inflow: false };
  const planNow = () => runner.plan(seen.balances, seen.quotes, runner.config.planMode);
  const first = await runner.decide(verdict, planNow, false);
  if (first.kind === 'refused' || (first.kind === 'skipped' && first.code !== 'dry_run' && first.code !== 'cooldown'))
    throw new PlanRefusedError(first.reason);
  // In cooldown a plan may still be reviewed; its approval is refused until the cooldown ends.
  const cooling = first.kind === 'skipped' && first.code === 'cooldown';
  const d = cooling ? await runner.decide(verdict, planNow, false, { ...runner.policy(), cooldownMs: 0 }) : first;
  if (d.kind === 'refused' || (d.kind === 'skipped' && d.code !== 'dry_run')) throw new PlanRefusedError(d.reason);
  const base = d.plan!;
  const over = d.skipped.filter((x) => x.code !== 'planner');
  const plan: Plan = {
    ...base,
    skipped: [...base.skipped, ...over.map((x) => ({ asset: x.asset, reason: x.reason }))],
    notes: [
      ...base.notes,
      ...(d.kind === 'skipped' ? ['dry-run: this portfolio sends nothing; an approval will be refused'] : []),
      ...(cooling ? [`${first.reason}: an approval is refused until the cooldown ends`] : []),
    ],
  };
  const prices = Object.fromEntries([...seen.quotes].map(([a, q]) => [a, q.price]));
  const body: StoredReview = { plan, prices, balances: seen.balances };
  const id = randomUUID();
  const stored = await journal.plans.add({
    id,
    portfolioId: runner.id,
    plan: body,
    createdAt: now,
    expiresAt: now + PLAN_TTL_MS,
  });
  return { id, hash: stored.hash, expiresAt: stored.expiresAt, plan, prices };
}

export class PlanRefusedError extends BallastError {
  static override readonly httpStatus = 409 as const;
  static override readonly next: Next = 'fix-input';
  override readonly name = 'PlanRefusedError';
}

export interface ApprovalResult {
  readonly executed: boolean;
  readonly reason: string;
  readonly plan: StoredPlan;
  /** The plan or the portfolio was claimed by other work: this call changed nothing and sent nothing. */
  readonly conflict?: boolean;
}

/**
 * Executes exactly a stored plan if it is still pending, has not expired, its hash still matches, the
 * core's decision allows it now (not paused, no cooldown, within maxOrderNotional, not dry-run, no
 * unresolved leg, no order resting at the venue), no holding moved since the plan (holdingsMoved: a cycle, another
 * approval or a transfer came first) and no price moved more than PLAN_PRICE_TOLERANCE_BPS since; otherwise refuses
 * (recording why). The plan and its portfolio are claimed in one transaction before anything is awaited,
 * so of N concurrent approvals exactly one executes and the others send nothing.
 */
export async function executeReviewPlan(
  planId: string,
  runners: ReadonlyMap<string, PortfolioRunner>,
  journal: Store,
  now: () => number,
): Promise<ApprovalResult> {
  const stored = await journal.plans.get(planId);
  if (stored.state !== 'pending')
    return { executed: false, reason: `plan is ${stored.state}${why(stored)}`, plan: stored, conflict: true };
  if (now() > stored.expiresAt) {
    const p = await journal.plans.decide(planId, 'expired', { at: now(), reason: 'expired before approval' });
    return { executed: false, reason: `plan expired at ${new Date(stored.expiresAt).toISOString()}`, plan: p };
  }
  const body = stored.plan as StoredReview;
  if (planHash(body) !== stored.hash) {
    const reason = 'plan content does not match its hash';
    return { executed: false, reason, plan: await journal.plans.decide(planId, 'refused', { at: now(), reason }) };
  }
  const runner = runners.get(stored.portfolioId)!;
  // The core's decision before the claim too: while a rule refuses (an order resting at the venue, a pause),
  // each of N concurrent approvals answers with that reason instead of a claim conflict. It only refuses;
  // the claimed path decides again before anything is sent.
  const early = await runner.decide(approvedVerdict(planId), () => body.plan, true);
  if (early.kind !== 'execute') return refusePending(journal, planId, early.reason, now());
  let claim: Claim;
  try {
    claim = await Claim.take(journal, { portfolioId: runner.id, source: 'approval', planId, at: now() });
  } catch (e) {
    if (!(e instanceof ClaimLostError)) throw e;
    return { executed: false, reason: e.message, plan: await journal.plans.get(planId), conflict: true };
  }
  try {
    return await executeClaimed(claim, runner, journal, body, now);
  } catch (e) {
    if ((await journal.plans.get(planId)).state === 'executing')
      await journal.plans.finish(planId, 'refused', { at: now(), reason: `failed: ${(e as Error).message}` });
    throw e;
  } finally {
    await claim.release();
  }
}

const why = (p: StoredPlan): string => (p.decisionReason === null ? '' : ` (${p.decisionReason})`);

const approvedVerdict = (planId: string) => ({ rebalance: true, reason: `approved plan ${planId}`, inflow: false });

/** Refuses a pending plan with `reason`; a concurrent refusal that decided it first keeps its own record. */
async function refusePending(journal: Store, planId: string, reason: string, at: number): Promise<ApprovalResult> {
  try {
    return { executed: false, reason, plan: await journal.plans.decide(planId, 'refused', { at, reason }) };
  } catch (e) {
    if (!(e instanceof JournalConflictError)) throw e;
    return { executed: false, reason, plan: await journal.plans.get(planId) };
  }
}

async function executeClaimed(
  claim: Claim,
  runner: PortfolioRunner,
  journal: Store,
  body: StoredReview,
  now: () => number,
): Promise<ApprovalResult> {
  const planId = claim.planId!;
  const refuse = async (reason: string): Promise<ApprovalResult> => ({
    executed: false,
    reason,
    plan: await journal.plans.finish(planId, 'refused', { at: now(), reason }),
  });
  const verdict = approvedVerdict(planId);
  const first = await runner.decide(verdict, () => body.plan, true);
  if (first.kind !== 'execute') return refuse(first.reason);
  const seen = await runner.observe();
  if (!seen.ok) return refuse(seen.reason);
  // read under the claim: no cycle or approval of this portfolio can trade between this check and the sends
  const stale = holdingsMoved(body, seen.balances);
  if (stale !== null) return refuse(stale);
  for (const [a, p0] of Object.entries(body.prices)) {
    const p1 = seen.quotes.get(a)?.price;
    const moved = p1 === undefined ? Number.POSITIVE_INFINITY : (Math.abs(p1 - p0) / p0) * 1e4;
    if (moved > PLAN_PRICE_TOLERANCE_BPS)
      return refuse(`${a} moved ${moved.toFixed(1)} bps since the plan (tolerance ${PLAN_PRICE_TOLERANCE_BPS})`);
  }
  // Decided again after the await: a pause, the kill switch or a config change in between still holds.
  const d = await runner.decide(verdict, () => body.plan, true);
  if (d.kind !== 'execute') return refuse(d.reason);
  const cycle = await journal.cycles.start(runner.id, now());
  const r = await sendOrders({
    claim,
    policy: runner.policy(),
    journal,
    venue: runner.deps.venue,
    portfolioId: runner.id,
    cycle: cycle.cycle,
    quote: runner.compiled.ctx.u.quote,
    plan: d.plan,
    prices: seen.quotes,
    maxSlippageBps: runner.config.guards.maxSlippageBps,
    now,
    execution: venueConfigOf(runner.config),
  });
  if (r.filled > 0) runner.lastRebalanceAt = now();
  const decision = r.failed > 0 ? (r.filled > 0 ? 'partial' : 'failed') : 'rebalanced';
  const reason = `${r.filled} filled, ${r.failed} failed`;
  await journal.cycles.finish({
    portfolioId: runner.id,
    cycle: cycle.cycle,
    decision,
    reason: `approved plan ${planId}: ${reason}`,
    detail: { planId },
    at: now(),
  });
  const p = await journal.plans.finish(planId, 'executed', { at: now(), reason, cycle: cycle.cycle });
  return { executed: true, reason: `${r.filled} of ${body.plan.trades.length} orders filled`, plan: p };
}
