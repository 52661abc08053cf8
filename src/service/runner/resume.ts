/**
 * Resuming an interrupted cycle's plan (issue #28). A cycle killed after some of its legs filled is closed as
 * `interrupted` by the next holder of the portfolio. If the next cycle observes exactly the prices the
 * interrupted plan was made at (the same bar of a replay; an unchanged market), it executes that plan's
 * remaining legs, the very trades journaled before the first order, instead of planning again from the
 * holdings the filled legs left: a new plan would reach the same trades by another arithmetic path, and
 * differ from an uninterrupted run in the last bits of a double. At other prices the cycle plans afresh.
 */
import type { Plan, TradeLine } from '../../core/planner/describe.ts';
import type { PortfolioRunner } from './portfolio-runner.ts';

export interface Resumption {
  /** The interrupted plan with only its remaining legs (none when every leg filled). */
  readonly plan: Plan;
  readonly from: number;
  readonly legs: number;
}

/** How far back past cycles that sent nothing (held by an unknown leg, interrupted before planning) to look. */
const LOOK_BACK = 50;

/**
 * The remaining legs of the last plan an interrupted cycle journaled, when every cycle since sent nothing and
 * `prices` are the ones it planned at.
 */
export async function resumption(
  r: PortfolioRunner,
  cycle: number,
  prices: Readonly<Record<string, number>>,
): Promise<Resumption | null> {
  const { journal } = r.deps;
  let from = cycle - 1;
  let planned: Awaited<ReturnType<typeof journal.cycles.planned>>;
  for (; ; from--) {
    if (from < 1 || from < cycle - LOOK_BACK) return null;
    const c = await journal.cycles.get(r.id, from);
    if (c.decision !== 'interrupted' && c.decision !== 'skipped') return null;
    planned = await journal.cycles.planned(r.id, from);
    if (planned !== undefined) {
      if (c.decision !== 'interrupted') return null;
      break;
    }
    if ((await journal.orders.list(r.id, { cycle: from, limit: 1 })).length > 0) return null;
  }
  const keys = Object.keys(prices);
  if (keys.length !== Object.keys(planned.prices).length || keys.some((a) => planned.prices[a] !== prices[a]))
    return null;
  const plan = planned.plan as Plan;
  const intents = await journal.orders.list(r.id, { cycle: from });
  if (plan === undefined) return null;
  const left: TradeLine[] = [];
  for (const t of plan.trades) {
    const mine = intents.filter((i) => i.asset === t.asset && i.side === t.side);
    if (mine.some((i) => i.child !== 0 || i.orderType !== 'market')) return null; // child orders: plan afresh
    const filled = mine.reduce((s, i) => s + i.filledQuantity, 0);
    const settled = mine.every((i) => ['filled', 'rejected', 'not_placed', 'canceled'].includes(i.state));
    if (!settled) return null;
    if (filled === 0) left.push(t);
    else if (filled !== t.quantity) return null; // part of a leg filled: plan afresh
  }
  return { plan: { ...plan, trades: left }, from, legs: plan.trades.length };
}
