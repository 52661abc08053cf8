import { randomUUID } from 'node:crypto';
import type { Plan } from '../core/planner/describe.ts';
import type { Venue } from '../core/ports.ts';
import type { ReviewPlan } from './facade.ts';
import type { Journal, StoredPlan } from './journal/index.ts';
import { planHash } from './journal/index.ts';
import { executePlan } from './runner/execute.ts';
import type { PortfolioRunner } from './runner/portfolio-runner.ts';

/** How long a reviewed plan stays executable, and how far prices may move before it is refused. */
export const PLAN_TTL_MS = 5 * 60_000;
export const PLAN_PRICE_TOLERANCE_BPS = 50;

interface StoredReview {
  readonly plan: Plan;
  readonly prices: Record<string, number>;
}

/** Review then execute: a plan with an id, a hash and an expiry, stored in the journal. */
export async function createReviewPlan(runner: PortfolioRunner, journal: Journal, now: number): Promise<ReviewPlan> {
  const seen = await runner.observe();
  if (!seen.ok) throw new PlanRefusedError(seen.reason);
  const plan = runner.plan(seen.balances, seen.quotes, runner.config.planMode);
  const prices = Object.fromEntries([...seen.quotes].map(([a, q]) => [a, q.price]));
  const body: StoredReview = { plan, prices };
  const id = randomUUID();
  const stored = journal.plans.add({
    id,
    portfolioId: runner.id,
    plan: body,
    createdAt: now,
    expiresAt: now + PLAN_TTL_MS,
  });
  return { id, hash: stored.hash, expiresAt: stored.expiresAt, plan, prices };
}

export class PlanRefusedError extends Error {
  override readonly name = 'PlanRefusedError';
}

/**
 * Executes exactly a stored plan if it is still pending, has not expired, its hash still matches, and no
 * price moved more than PLAN_PRICE_TOLERANCE_BPS since; otherwise refuses (recording why).
 */
export async function executeReviewPlan(
  planId: string,
  runners: ReadonlyMap<string, PortfolioRunner>,
  venues: ReadonlyMap<string, Venue>,
  journal: Journal,
  now: () => number,
): Promise<{ executed: boolean; reason: string; plan: StoredPlan }> {
  const stored = journal.plans.get(planId);
  const refuse = (reason: string) => {
    const p = stored.state === 'pending' ? journal.plans.decide(planId, 'refused', { at: now(), reason }) : stored;
    return { executed: false, reason, plan: p };
  };
  if (stored.state !== 'pending') return { executed: false, reason: `plan is ${stored.state}`, plan: stored };
  if (now() > stored.expiresAt) {
    const p = journal.plans.decide(planId, 'expired', { at: now(), reason: 'expired before approval' });
    return { executed: false, reason: `plan expired at ${new Date(stored.expiresAt).toISOString()}`, plan: p };
  }
  const body = stored.plan as StoredReview;
  if (planHash(body) !== stored.hash) return refuse('plan content does not match its hash');
  const runner = runners.get(stored.portfolioId)!;
  const venue = venues.get(stored.portfolioId)!;
  const seen = await runner.observe();
  if (!seen.ok) return refuse(seen.reason);
  for (const [a, p0] of Object.entries(body.prices)) {
    const p1 = seen.quotes.get(a)?.price;
    const moved = p1 === undefined ? Number.POSITIVE_INFINITY : (Math.abs(p1 - p0) / p0) * 1e4;
    if (moved > PLAN_PRICE_TOLERANCE_BPS)
      return refuse(`${a} moved ${moved.toFixed(1)} bps since the plan (tolerance ${PLAN_PRICE_TOLERANCE_BPS})`);
  }
  if (journal.orders.hasUnknownLegs(runner.id)) return refuse('an order of this portfolio has an unknown outcome');
  const cycle = journal.cycles.start(runner.id, now());
  const r = await executePlan({
    journal,
    venue,
    portfolioId: runner.id,
    cycle: cycle.cycle,
    quote: runner.compiled.ctx.u.quote,
    plan: body.plan,
    prices: seen.quotes,
    maxSlippageBps: runner.config.guards.maxSlippageBps,
    now,
  });
  const decision = r.failed > 0 ? (r.filled > 0 ? 'partial' : 'failed') : 'rebalanced';
  journal.cycles.finish({
    portfolioId: runner.id,
    cycle: cycle.cycle,
    decision,
    reason: `approved plan ${planId}: ${r.filled} filled, ${r.failed} failed`,
    detail: { planId },
    at: now(),
  });
  const p = journal.plans.decide(planId, 'executed', {
    at: now(),
    reason: `${r.filled} filled, ${r.failed} failed`,
    cycle: cycle.cycle,
  });
  return { executed: true, reason: `${r.filled} of ${body.plan.trades.length} orders filled`, plan: p };
}
