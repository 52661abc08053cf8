import type { PortfolioConfig } from './config/schema.ts';
import { planBenefit } from './planner/benefit.ts';
import { makePlanContext, PlanBuffers, type PlanContext, type PlanMode } from './planner/context.ts';
import { describePlan, type Plan } from './planner/describe.ts';
import { planInto } from './planner/plan.ts';
import type { Snapshot } from './snapshot.ts';
import { compileTrigger } from './triggers/compile.ts';
import { decide, type TriggerDecision, type TriggerKernel } from './triggers/types.ts';
import { universeOf } from './universe.ts';
import { weightsInto } from './valuation.ts';

/** A portfolio compiled for decisions: universe, plan context and its (stateful) trigger kernel. */
export interface Compiled {
  readonly config: PortfolioConfig;
  readonly ctx: PlanContext;
  readonly trigger: TriggerKernel;
  readonly buf: PlanBuffers;
}

export function compilePortfolio(
  config: PortfolioConfig,
  ctx: PlanContext = makePlanContext(universeOf(config), config),
): Compiled {
  return { config, ctx, trigger: compileTrigger(config.trigger, ctx), buf: new PlanBuffers(ctx.u.n) };
}

export interface Decision {
  readonly decision: TriggerDecision;
  readonly plan: Plan;
  /** The plan's cost-aware benefit (planner/benefit.ts `planBenefit`), to weigh against `plan.cost`. */
  readonly benefit: number;
}

/**
 * One decision, readable: evaluate the trigger on this snapshot (time and the previous decision's time
 * come in as arguments) and plan the trades for `mode`. The plan is always computed (review before
 * executing); `decision.rebalance` says whether the trigger asks for it. Call `trigger.observe` with each
 * bar's prices before, for the stateful triggers.
 */
export function decideAndPlan(c: Compiled, snap: Snapshot, mode: PlanMode, time: number, prevTime: number): Decision {
  const w = new Float64Array(c.ctx.u.n);
  const value = weightsInto(snap.qty, snap.prices, w);
  const bar = { time, prevTime, qty: snap.qty, prices: snap.prices, w, value };
  const decision = decide(c.trigger, bar);
  const cov = c.trigger.covariance();
  planInto(c.ctx, snap.qty, snap.prices, mode, c.buf, { halfWidth: c.trigger.halfWidth(), cov });
  const plan = describePlan(c.ctx, snap, c.buf);
  return { decision, plan, benefit: planBenefit(c.ctx, plan, c.ctx.u.target, cov) };
}
