/**
 * The cycle decision (issue #13): one pure function that every path which could send an order passes
 * through — the scheduled cycle, plan review, plan approval, `dex rebalance --execute`, and the backtest's
 * kernel (through `decisionCode`, which allocates nothing). The risk rules live here once: pause (and so the
 * kill switch, which pauses), an unresolved leg, an order resting at the venue, the trigger, cooldown,
 * maxOrderNotional, the approval threshold, and dry-run. No I/O, no clock: time and state come in as arguments.
 */
import type { Plan, TradeLine } from './planner/describe.ts';

export interface RiskPolicy {
  /** 'dry-run' plans and records but never sends. */
  readonly mode: 'live' | 'dry-run';
  /** No single order above this notional (quote units). */
  readonly maxOrderNotional?: number;
  /** A plan whose total notional is above this waits for a human's approval. */
  readonly approvalAbove?: number;
  /** Minimum time between two rebalances (ms). */
  readonly cooldownMs: number;
}

export interface PortfolioState {
  /** Paused by a user or by the kill switch. */
  readonly paused: boolean;
  readonly pauseReason: string | null;
  readonly lastRebalanceAt: number | null;
  /** An order of this portfolio has an unknown outcome: nothing new until it is resolved by lookup. */
  readonly unknownLegs: boolean;
  /**
   * Orders of this portfolio the venue acknowledged and still holds in its book (open, partly filled): the
   * balances do not show them yet, so a plan made now would trade the same drift again. Nothing new until
   * they fill, expire or are canceled (`restingOf` picks them from the journal's unfinished intents).
   */
  readonly restingLegs: readonly RestingLeg[];
}

/** An order resting at the venue, as the journal last saw it (by reconciliation or the order's own ack). */
export interface RestingLeg {
  readonly clientOrderId: string;
  readonly state: 'open' | 'partially_filled';
}

/** The resting legs among a portfolio's unfinished intents (any other state is not resting). */
export function restingOf(intents: readonly { clientOrderId: string; state: string }[]): RestingLeg[] {
  const out: RestingLeg[] = [];
  for (const i of intents)
    if (i.state === 'open' || i.state === 'partially_filled')
      out.push({ clientOrderId: i.clientOrderId, state: i.state });
  return out;
}

/** Why nothing new is planned while orders rest; names each of them. */
export function restingReason(legs: readonly RestingLeg[]): string {
  const ids = legs.map((l) => `${l.clientOrderId} ${l.state}`).join(', ');
  return `${legs.length} order(s) of this portfolio still open at the venue (${ids}): no new plan until they fill, expire or are canceled (the balances do not show them yet)`;
}

export interface TriggerVerdict {
  readonly rebalance: boolean;
  readonly reason: string;
  /** An uninvested inflow: buy-only, cooldown and trigger do not apply. */
  readonly inflow: boolean;
}

export interface SkippedTrade {
  readonly asset: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly notional: number;
  readonly code: string;
  readonly reason: string;
}

export type CycleDecision =
  | {
      readonly kind: 'nothing_to_do';
      readonly reason: string;
      readonly plan: Plan | null;
      readonly skipped: readonly SkippedTrade[];
    }
  | {
      readonly kind: 'skipped';
      readonly code: 'paused' | 'unknown_leg' | 'resting' | 'cooldown' | 'dry_run';
      readonly reason: string;
      readonly plan: Plan | null;
      readonly skipped: readonly SkippedTrade[];
    }
  | {
      readonly kind: 'needs_approval';
      readonly reason: string;
      readonly plan: Plan;
      readonly skipped: readonly SkippedTrade[];
    }
  | {
      readonly kind: 'execute';
      readonly reason: string;
      readonly plan: Plan;
      readonly skipped: readonly SkippedTrade[];
    }
  | {
      readonly kind: 'refused';
      readonly code: 'paused' | 'unknown_leg' | 'resting' | 'cooldown' | 'dry_run' | 'max_order_notional' | 'empty';
      readonly reason: string;
    };

export interface DecisionInput {
  readonly now: number;
  readonly state: PortfolioState;
  readonly policy: RiskPolicy;
  readonly trigger: TriggerVerdict;
  /** The plan for this snapshot (computed only when the trigger asks for it), or the approved plan. */
  readonly plan: () => Plan;
  /**
   * A human approved exactly this plan: the approval threshold is met, and every other rule refuses the
   * whole plan instead of trimming it (what was approved is sent whole, or not at all).
   */
  readonly approved: boolean;
}

/** Numeric outcome of the rule chain, shared by `decideCycle` and the backtest's allocation-free path. */
export const Rule = { Go: 0, Paused: 1, UnknownLeg: 2, Hold: 3, Cooldown: 4 } as const;
export type Rule = (typeof Rule)[keyof typeof Rule];

/** The pre-plan rules as a number: what the backtest calls per bar (nothing allocated). */
export function decisionCode(
  paused: boolean,
  unknownLegs: boolean,
  rebalance: boolean,
  inflow: boolean,
  now: number,
  lastRebalanceAt: number,
  cooldownMs: number,
): Rule {
  if (paused) return Rule.Paused;
  if (unknownLegs) return Rule.UnknownLeg;
  if (inflow) return Rule.Go;
  if (!rebalance) return Rule.Hold;
  // A NaN lastRebalanceAt (never rebalanced) makes the comparison false.
  if (cooldownMs > 0 && now - lastRebalanceAt < cooldownMs) return Rule.Cooldown;
  return Rule.Go;
}

/** What holds a portfolio before any plan, on every path: a pause, an unknown leg, an order resting at a venue. */
export type Hold = { readonly code: 'paused' | 'unknown_leg' | 'resting'; readonly reason: string };

/**
 * The state's hold, or null: the first rules of `decideCycle`, also what a one-shot `--execute` whose plan is
 * not a trade list (`lever rebalance`) passes through.
 */
export function holdOf(state: PortfolioState): Hold | null {
  if (state.paused) return { code: 'paused', reason: `paused: ${state.pauseReason ?? 'paused'}` };
  if (state.unknownLegs)
    return {
      code: 'unknown_leg',
      reason: 'an order of this portfolio has an unknown outcome; no new order until it is resolved',
    };
  // Before the trigger and cooldown: a resting order holds every path, a scheduled hold included (the
  // backtest has no venue book, so `decisionCode` does not carry this rule).
  if (state.restingLegs.length > 0) return { code: 'resting', reason: restingReason(state.restingLegs) };
  return null;
}

export function decideCycle(input: DecisionInput): CycleDecision {
  const { state, policy, trigger, now, approved } = input;
  const code = decisionCode(
    state.paused,
    state.unknownLegs,
    trigger.rebalance || approved,
    trigger.inflow,
    now,
    state.lastRebalanceAt ?? Number.NaN,
    policy.cooldownMs,
  );
  const stop = (c: 'paused' | 'unknown_leg' | 'resting' | 'cooldown', reason: string): CycleDecision =>
    approved ? { kind: 'refused', code: c, reason } : { kind: 'skipped', code: c, reason, plan: null, skipped: [] };
  // `decisionCode` ranks pause and an unknown leg first, as `holdOf` does.
  const hold = holdOf(state);
  if (hold !== null) return stop(hold.code, hold.reason);
  if (code === Rule.Hold) return { kind: 'nothing_to_do', reason: trigger.reason, plan: null, skipped: [] };
  if (code === Rule.Cooldown) {
    const ago = (now - state.lastRebalanceAt!) / 1000;
    return stop(
      'cooldown',
      `cooldown: last rebalance ${ago.toFixed(0)} s ago, cooldown ${policy.cooldownMs / 1000} s; ${trigger.reason}`,
    );
  }
  return afterPlan(input, input.plan());
}

function afterPlan(input: DecisionInput, plan: Plan): CycleDecision {
  const { policy, trigger, approved } = input;
  // Weights of nothing are not off target: a portfolio worth 0 has nothing to rebalance (issue #16).
  if (!(plan.value > 0)) {
    const why = 'the portfolio is worth 0 (no balance of any target asset): nothing to rebalance; deposit first';
    return approved
      ? { kind: 'refused', code: 'empty', reason: why }
      : { kind: 'nothing_to_do', reason: why, plan, skipped: [] };
  }
  const over = overLimit(plan.trades, policy.maxOrderNotional);
  if (approved && over.length > 0)
    return {
      kind: 'refused',
      code: 'max_order_notional',
      reason: over.map((s) => `${s.asset} ${s.reason}`).join('; '),
    };
  const trades = over.length === 0 ? plan.trades : plan.trades.filter((t) => !over.some((s) => s.asset === t.asset));
  const skipped: SkippedTrade[] = [...over, ...plan.skipped.map(plannerSkip)];
  const toRun: Plan = over.length === 0 ? plan : { ...plan, trades };
  let reason = trigger.reason;
  if (trades.length === 0)
    return approved
      ? { kind: 'refused', code: 'empty', reason: 'the plan has no trade to send' }
      : { kind: 'nothing_to_do', reason: `${reason}; nothing to send: every trade was skipped`, plan: toRun, skipped };
  const total = trades.reduce((s, t) => s + t.notional, 0);
  if (!approved && policy.approvalAbove !== undefined && total > policy.approvalAbove) {
    reason += `; total notional ${total.toFixed(2)} above approvalAbove ${policy.approvalAbove}: waiting for approval`;
    return { kind: 'needs_approval', reason, plan: toRun, skipped };
  }
  if (policy.mode === 'dry-run') {
    if (approved)
      return {
        kind: 'refused',
        code: 'dry_run',
        reason: 'the portfolio is in dry-run mode: approved plans are not sent',
      };
    return { kind: 'skipped', code: 'dry_run', reason: `${reason}; dry-run: nothing sent`, plan: toRun, skipped };
  }
  return { kind: 'execute', reason, plan: toRun, skipped };
}

function overLimit(trades: readonly TradeLine[], max: number | undefined): SkippedTrade[] {
  if (max === undefined) return [];
  return trades
    .filter((t) => t.notional > max)
    .map((t) => ({
      asset: t.asset,
      side: t.side,
      quantity: t.quantity,
      notional: t.notional,
      code: 'max_order_notional',
      reason: `notional ${t.notional.toFixed(2)} exceeds maxOrderNotional ${max}`,
    }));
}

function plannerSkip(s: { asset: string; reason: string }): SkippedTrade {
  return { asset: s.asset, side: 'buy', quantity: 0, notional: 0, code: 'planner', reason: s.reason };
}

/** The order limits the gate re-checks right before each intent is journaled (defence in depth). */
export function orderWithinLimits(notional: number, policy: RiskPolicy): string | null {
  if (policy.mode === 'dry-run') return 'the portfolio is in dry-run mode';
  if (policy.maxOrderNotional !== undefined && notional > policy.maxOrderNotional)
    return `notional ${notional.toFixed(2)} exceeds maxOrderNotional ${policy.maxOrderNotional}`;
  return null;
}
