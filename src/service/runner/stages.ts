/**
 * A cycle's stages (issue #13): reconcile → observe → decide → execute → record, each a small function.
 * The decision is the core's (`decideCycle`: the risk rules live there once); execution goes through the
 * one gate (a claim on the portfolio's slot taken before anything is awaited, then `sendOrders`).
 */

import { isAtomicBatchVenue } from '../../core/atomic-batch.ts';
import type { CycleDecision, SkippedTrade, TriggerVerdict } from '../../core/cycle-decision.ts';
import { BallastError } from '../../core/errors.ts';
import { flashFeeNote, isLendingPositionVenue, positionVerdict } from '../../core/lending/position-venue.ts';
import type { Plan } from '../../core/planner/describe.ts';
import type { PriceQuote } from '../../core/ports.ts';
import { makeSnapshot, type Snapshot } from '../../core/snapshot.ts';
import { weightsInto } from '../../core/valuation.ts';
import { ClaimLostError } from '../../store/claims.ts';
import { cancelLeftovers } from '../gate/children.ts';
import { Claim } from '../gate/claim.ts';
import { sendOrders } from '../gate/send-orders.ts';
import { venueConfigOf } from '../venues.ts';
import { Ledger, type LedgerState } from './ledger.ts';
import { lookUpUnfinished } from './look-up.ts';
import type { PortfolioRunner } from './portfolio-runner.ts';
import { type Resumption, resumption } from './resume.ts';

export interface ExecCounts {
  readonly sent: number;
  readonly filled: number;
  readonly failed: number;
}

export interface StageOutcome {
  readonly decision: string;
  readonly reason: string;
  readonly plan: Plan | null;
  readonly exec: ExecCounts;
  readonly priceAge: number | null;
}

const NONE: ExecCounts = { sent: 0, filled: 0, failed: 0 };
const HOLD: TriggerVerdict = { rebalance: false, reason: '', inflow: false };
const NO_PLAN = (): Plan => {
  throw new BallastError('no plan before the trigger asks for one');
};

export function outcome(
  decision: string,
  reason: string,
  plan: Plan | null = null,
  exec: ExecCounts = NONE,
  priceAge: number | null = null,
): StageOutcome {
  return { decision, reason, plan, exec, priceAge };
}

/** The journal's word for a decision that sends nothing. */
function label(d: CycleDecision): string {
  if (d.kind === 'needs_approval') return 'awaiting_approval';
  if (d.kind === 'skipped') return d.code === 'dry_run' ? 'dry_run' : 'skipped';
  return d.kind;
}

interface Observed {
  readonly snap: Snapshot;
  readonly quotes: Map<string, PriceQuote>;
  /** Σ qty·price of the holdings the decision sees: the trigger's and the planner's value. */
  readonly value: number;
  /**
   * The portfolio's value as journaled, shown and used for returns: `value`, except for a lending position,
   * whose holdings (the debt D and the equity C − D: position-venue.ts) sum to the collateral's value C while
   * the owner's net exposure is C − D (issue #23: "value and drift count net exposure").
   */
  readonly reported: number;
  readonly w: Float64Array;
  readonly priceAge: number;
}

export async function runStages(
  r: PortfolioRunner,
  cycle: number,
  at: number,
  detail: Record<string, unknown>,
): Promise<StageOutcome> {
  let claim: Claim;
  try {
    claim = await Claim.take(r.deps.journal, { portfolioId: r.id, source: 'cycle', at });
  } catch (e) {
    if (e instanceof ClaimLostError) return outcome('skipped', e.message);
    throw e;
  }
  try {
    const early = r.paused ? await r.decide(HOLD, NO_PLAN, false) : await reconcile(r, detail);
    if (early !== null && early.kind !== 'nothing_to_do') return outcome(label(early), early.reason);
    await r.applyPaperFlows();
    const seen = await observe(r, cycle, at, detail);
    if ('refused' in seen) return outcome('refused', seen.refused);
    const ledger = await r.ledger.load();
    const flows = await takeFlows(r, ledger, seen, detail);
    // A cash flow since the interruption changed the holdings: plan afresh.
    // A venue whose cycle is one atomic transaction has no remaining legs to resume: it plans afresh.
    const resumed =
      flows.count > 0 || isAtomicBatchVenue(r.deps.venue) ? null : await resumption(r, cycle, pricesOf(seen));
    const d =
      resumed === null
        ? await decideStage(r, seen, at, flows.inflow ? flows.netFlow : null, detail)
        : await resumeStage(r, resumed, detail);
    const exec = d.kind === 'execute' ? await execute(r, claim, d, cycle, seen.quotes, flows.inflow, detail) : null;
    return await record(r, { d, exec, cycle, at, seen, ledger, inflow: flows.inflow });
  } finally {
    await claim.release();
  }
}

/** Brings open orders up to date and resolves unknown legs by lookup (never by re-sending). */
async function reconcile(r: PortfolioRunner, detail: Record<string, unknown>): Promise<CycleDecision | null> {
  const { journal, venue } = r.deps;
  // A venue whose cycle is one transaction resolves the ones a crash left (by lookup) before anything is
  // observed; one still unresolved throws: the cycle fails with its hashes and nothing is planned.
  if (isAtomicBatchVenue(venue)) {
    const rep = await venue.settleUnfinished(r.id);
    if (rep.settled.length > 0) detail.settledBatches = rep.settled;
  }
  if ((await journal.orders.unfinishedIntents(r.id)).length === 0) return null;
  const rep = await lookUpUnfinished(r);
  detail.reconciled = { checked: rep.checked, byState: rep.byState, items: rep.items };
  // Limit children a crashed process left resting: canceled (and journaled) before anything is re-planned.
  const canceled = await cancelLeftovers(journal, r.deps.venue, r.id, { now: r.deps.now });
  if (canceled > 0) detail.canceledLeftovers = canceled;
  // The core's rules on the reconciled state: an unknown leg, or an order still resting at the venue (the
  // balances do not show it yet), holds the cycle with its reason; nothing else is decided before observing.
  const d = await r.decide(HOLD, NO_PLAN, false);
  if (d.kind !== 'skipped' || (d.code !== 'unknown_leg' && d.code !== 'resting')) return null; // pause: decided later
  if (d.code === 'resting') return d;
  const next = rep.nextCheckAt === undefined ? '' : `; next check from ${new Date(rep.nextCheckAt).toISOString()}`;
  const items = rep.items.map((i) => `${i.clientOrderId}: ${i.note}`).join('; ');
  return { ...d, reason: `${d.reason} (${items})${next}` };
}

/** Validated balances and prices, recorded, valued; or the guard's refusal. */
async function observe(
  r: PortfolioRunner,
  cycle: number,
  at: number,
  detail: Record<string, unknown>,
): Promise<Observed | { refused: string }> {
  const seen = await r.observe();
  if (!seen.ok) {
    await r.raise('warning', 'guard', seen.reason);
    return { refused: seen.reason };
  }
  const { quotes, balances } = seen;
  const priceAge = Math.max(...[...quotes.values()].map((q) => (at - q.time) / 1000));
  const c = r.compiled;
  const u = c.ctx.u;
  await r.deps.journal.prices.record(u.quote, [...quotes.values()]);
  const prices: Record<string, number> = {};
  for (const [a, q] of quotes) prices[a] = q.price;
  r.lastPrices = new Map(Object.entries(prices));
  const snap = makeSnapshot(u, c.config.ignore, balances, prices, {
    balances: `${r.id} balances`,
    prices: `${r.id} prices`,
  });
  c.trigger.observe(snap.prices);
  const w = new Float64Array(u.n);
  const value = weightsInto(snap.qty, snap.prices, w);
  const reported = reportedValue(r, value);
  r.lastValue = reported;
  r.lastWeights = Object.fromEntries(u.assets.map((a, i) => [a, w[i]!]));
  // In the store (issue #28): `serve --workers` shows it whichever process ran the cycle.
  await r.deps.journal.cycles.recordSnapshot({
    portfolioId: r.id,
    cycle,
    at,
    value: reported,
    weights: r.lastWeights,
    prices,
  });
  detail.value = reported;
  detail.prices = prices;
  return { snap, quotes, value, reported, w, priceAge };
}

/** A lending position's net value C − D, read with its balances this cycle; any other portfolio's `value`. */
function reportedValue(r: PortfolioRunner, value: number): number {
  const venue = r.deps.venue;
  const view = isLendingPositionVenue(venue) ? venue.position() : null;
  return view === null ? value : view.collateralValue - view.debtValue;
}

const pricesOf = (seen: Observed): Record<string, number> =>
  Object.fromEntries([...seen.quotes].map(([a, q]) => [a, q.price]));

/** The interrupted cycle's remaining legs (resume.ts), under the core's decision like any plan. */
async function resumeStage(r: PortfolioRunner, x: Resumption, detail: Record<string, unknown>): Promise<CycleDecision> {
  const n = x.plan.trades.length;
  detail.resumed = { cycle: x.from, legsLeft: n, legs: x.legs };
  const verdict: TriggerVerdict =
    n > 0
      ? { rebalance: true, reason: `resuming cycle ${x.from}'s plan: ${n} of ${x.legs} legs left`, inflow: false }
      : {
          rebalance: false,
          reason: `cycle ${x.from}'s plan was executed in full before it was interrupted`,
          inflow: false,
        };
  return r.decide(verdict, () => x.plan, false);
}

/** Cash flows not yet invested: an inflow is used to buy underweight assets before anything is sold. */
async function takeFlows(r: PortfolioRunner, ledger: LedgerState, seen: Observed, detail: Record<string, unknown>) {
  const u = r.compiled.ctx.u;
  const prices = Object.fromEntries([...seen.quotes].map(([a, q]) => [a, q.price]));
  const flows = (await r.deps.journal.cashFlows.list(r.id)).filter((f) => f.id > ledger.lastFlowId);
  let netFlow = 0;
  for (const f of flows)
    netFlow += (f.kind === 'deposit' ? 1 : -1) * f.quantity * (prices[f.asset] ?? (f.asset === u.quote ? 1 : 0));
  if (flows.length > 0) {
    Ledger.flow(ledger, seen.reported - netFlow, netFlow);
    ledger.lastFlowId = flows[flows.length - 1]!.id;
    if (ledger.hodl !== null) r.hodlFlow(ledger, netFlow, prices);
  }
  detail.hodlValue = Ledger.hodlValue(ledger, new Map([...Object.entries(prices), [u.quote, 1]]));
  return { inflow: flows.length > 0 && netFlow > 0, netFlow, count: flows.length };
}

/** The trigger's verdict, then the core's decision (cooldown, limits, approval threshold, dry-run). */
async function decideStage(
  r: PortfolioRunner,
  seen: Observed,
  at: number,
  inflow: number | null,
  detail: Record<string, unknown>,
): Promise<CycleDecision> {
  const c = r.compiled;
  // A lending position: the flash fee of the loan its rebalance would take (the cheapest lender, read now)
  // enters the cost model before the trigger and the planner run; a health factor below the floor acts.
  const view = r.lendingView();
  if (view !== null) detail.lending = view;
  if (inflow !== null) {
    const reason = `invest inflow of ${inflow.toFixed(2)} ${c.ctx.u.quote} (buy-only)`;
    return r.decide({ rebalance: true, reason, inflow: true }, () => r.planFor(seen.snap, 'full', true), false);
  }
  const bar = {
    time: at,
    prevTime: r.lastCycleAt ?? Number.NaN,
    qty: seen.snap.qty,
    prices: seen.snap.prices,
    w: seen.w,
    value: seen.value,
  };
  const k = c.trigger.check(bar);
  let verdict: TriggerVerdict = { rebalance: k >= 0, reason: c.trigger.explain(k, bar), inflow: false };
  if (view !== null) {
    verdict = positionVerdict(verdict, view);
    verdict = { ...verdict, reason: `${verdict.reason}; ${flashFeeNote(view, c.ctx.u.quote)}` };
  }
  return r.decide(verdict, () => r.planFor(seen.snap, r.config.planMode, false), false);
}

/** Sends the decided orders through the gate, under the cycle's claim. */
async function execute(
  r: PortfolioRunner,
  claim: Claim,
  d: Extract<CycleDecision, { kind: 'execute' }>,
  cycle: number,
  quotes: Map<string, PriceQuote>,
  inflow: boolean,
  detail: Record<string, unknown>,
) {
  // Journaled before the first order: an interruption resumes exactly these trades (resume.ts).
  const prices = Object.fromEntries([...quotes].map(([a, q]) => [a, q.price]));
  await r.deps.journal.cycles.recordPlan(r.id, cycle, { prices, plan: d.plan });
  const res = await sendOrders({
    claim,
    policy: r.policy(),
    journal: r.deps.journal,
    venue: r.deps.venue,
    portfolioId: r.id,
    cycle,
    quote: r.compiled.ctx.u.quote,
    plan: d.plan,
    prices: quotes,
    maxSlippageBps: r.config.guards.maxSlippageBps,
    now: r.deps.now,
    crashHook: r.deps.crashHook,
    execution: venueConfigOf(r.config),
  });
  if (res.batch !== undefined) detail.batch = res.batch;
  const decision = res.failed > 0 ? (res.filled > 0 ? 'partial' : 'failed') : inflow ? 'invested' : 'rebalanced';
  return { res, decision };
}

/** Journals skipped trades, raises the alerts, keeps the ledger. */
async function record(
  r: PortfolioRunner,
  o: {
    d: CycleDecision;
    exec: Awaited<ReturnType<typeof execute>> | null;
    cycle: number;
    at: number;
    seen: Observed;
    ledger: LedgerState;
    inflow: boolean;
  },
): Promise<StageOutcome> {
  const { d, exec, at } = o;
  const skipped: SkippedTrade[] = d.kind === 'refused' ? [] : [...d.skipped];
  let decision = label(d);
  const plan = d.kind === 'refused' ? null : d.plan;
  if (d.kind === 'needs_approval') await r.raise('warning', 'approval', d.reason);
  if (exec !== null) {
    skipped.push(...exec.res.skipped);
    decision = exec.decision;
    if (exec.res.filled > 0) r.lastRebalanceAt = at;
    const n = plan?.trades.length ?? 0;
    await r.raise(
      exec.res.failed > 0 ? 'warning' : 'info',
      'rebalance',
      `${decision}: ${exec.res.filled} of ${n} orders filled; ${d.reason}`,
    );
  }
  for (const s of skipped) await r.deps.journal.cycles.recordSkipped({ portfolioId: r.id, cycle: o.cycle, ...s, at });
  if (skipped.length > 0 && decision !== 'failed')
    await r.raise(
      'info',
      'skip',
      `${skipped.length} trade(s) skipped: ${skipped.map((s) => `${s.asset} ${s.reason}`).join('; ')}`,
    );
  // After the first investment the HODL baseline holds what the portfolio bought.
  if (o.inflow && o.ledger.hodl === null && exec !== null && exec.res.filled > 0) {
    const after = await r.deps.venue.balances();
    const u = r.compiled.ctx.u;
    o.ledger.hodl = Object.fromEntries(u.assets.map((a) => [a, after[a] ?? 0]));
  }
  await r.ledger.save(o.ledger, at);
  // a lending position's transaction says what it did in the cycle's reason: the flash fee paid, or why not
  const batch = exec?.res.batch;
  const reason =
    batch !== undefined && isLendingPositionVenue(r.deps.venue)
      ? `${d.reason}; transaction: ${batch.reason}`
      : d.reason;
  return outcome(decision, reason, plan, exec?.res ?? NONE, o.seen.priceAge);
}
