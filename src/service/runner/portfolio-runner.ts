import { makeCostModel, orderCost, withVenueCosts } from '../../core/costs.ts';
import {
  type CycleDecision,
  decideCycle,
  type RiskPolicy,
  restingOf,
  type TriggerVerdict,
} from '../../core/cycle-decision.ts';
import { type Compiled, compilePortfolio } from '../../core/decide.ts';
import { checkPrices } from '../../core/guards.ts';
import { isLendingPositionVenue, type LendingCycleView } from '../../core/lending/position-venue.ts';
import { makePlanContext } from '../../core/planner/context.ts';
import { describePlan, type Plan } from '../../core/planner/describe.ts';
import { planInto } from '../../core/planner/plan.ts';
import type { PriceQuote, Venue } from '../../core/ports.ts';
import { makeSnapshot, type Snapshot } from '../../core/snapshot.ts';
import { makeUniverse } from '../../core/universe.ts';
import { asWriteError, type CashFlow, JournalWriteError } from '../../store/index.ts';
import type { Store } from '../../store/ports.ts';
import type { PriceSource } from '../../venues/paper/paper-venue.ts';
import type { ResolvedPortfolio } from '../config/parse.ts';
import { toSeconds } from '../config/schema.ts';
import type { ServiceCrashHook } from '../gate/send-orders.ts';
import { checkBalanceReply } from './balance-check.ts';
import { FlashFeeCell } from './flash-fee.ts';
import { Ledger, type LedgerState } from './ledger.ts';
import { outcome, runStages, type StageOutcome } from './stages.ts';
import type { AlertEvent, CycleEvent, RunnerObserver } from './types.ts';
import { writeFailed } from './write-failure.ts';

export interface RunnerDeps {
  readonly journal: Store;
  readonly venue: Venue;
  /** An independent price source for the deviation guard; null = single source (guard off). */
  readonly reference: PriceSource | null;
  readonly now: () => number;
  readonly observer?: RunnerObserver;
  /** The venue's recvWindow (ms) for the not-placed rule (default 5000). */
  readonly recvWindowMs?: number;
  /** Crash-trial hook (tests only): see ServiceCrashHook. */
  readonly crashHook?: ServiceCrashHook;
}

/**
 * One portfolio's decision loop: read balances and prices → validate prices → trigger → plan → risk checks
 * → execute (journal first) → record. The decisions are the core's (compilePortfolio, planInto): the same
 * functions the backtester runs, which the replay parity test proves.
 */
export class PortfolioRunner {
  compiled: Compiled;
  paused = false;
  pauseReason: string | null = null;
  consecutiveFailures = 0;
  lastCycleAt: number | null = null;
  lastRebalanceAt: number | null = null;
  lastPrices = new Map<string, number>();
  lastValue: number | null = null;
  lastWeights: Record<string, number> | null = null;
  guardsOff: string[] = [];
  readonly ledger: Ledger;
  readonly fileTarget: Record<string, number>;
  /** A lending position's flash fee in its cost model (flash-fee.ts); null for every other venue. */
  readonly flashFee: FlashFeeCell | null;

  private constructor(
    readonly config: ResolvedPortfolio,
    readonly deps: RunnerDeps,
  ) {
    this.flashFee = config.venue !== 'paper' && config.venue.type === 'lever' ? new FlashFeeCell() : null;
    this.fileTarget = { ...config.portfolio.target };
    this.ledger = new Ledger(deps.journal, config.id);
    this.compiled = this.compile(this.fileTarget);
  }

  /** Registers the portfolio in the store and resumes its state there (target, last cycle, pause, prices). */
  static async create(config: ResolvedPortfolio, deps: RunnerDeps): Promise<PortfolioRunner> {
    const r = new PortfolioRunner(config, deps);
    await r.init();
    return r;
  }

  /**
   * Registers the portfolio only, reading none of its state: a worker among many (`Service.start` with
   * `shared`) re-reads each runner from the store when it takes the portfolio's job (Service.recoverPortfolio),
   * so reading it at start-up too would only delay the worker's first job.
   */
  static async registered(config: ResolvedPortfolio, deps: RunnerDeps): Promise<PortfolioRunner> {
    const r = new PortfolioRunner(config, deps);
    await deps.journal.portfolios.upsert({ id: config.id, name: config.id, config: config.portfolio, at: deps.now() });
    return r;
  }

  private async init(): Promise<void> {
    const { config, deps } = this;
    await deps.journal.portfolios.upsert({ id: config.id, name: config.id, config: config.portfolio, at: deps.now() });
    const stored = await deps.journal.portfolios.latestTarget(config.id);
    this.compiled = this.compile(stored ? (stored.targets as Record<string, number>) : this.fileTarget);
    const last = await deps.journal.cycles.latest(config.id);
    this.lastCycleAt = last?.startedAt ?? null;
    this.lastRebalanceAt = await deps.journal.cycles.lastRebalanceAt(config.id);
    this.pauseReason = (await deps.journal.meta.get(`paused:${config.id}`)) ?? null;
    this.paused = this.pauseReason !== null;
    this.consecutiveFailures = await deps.journal.portfolios.failures(config.id);
    await this.warmUp();
  }

  get id(): string {
    return this.config.id;
  }

  /** Compiles the portfolio with `target` (the database's latest version wins over the file). */
  compile(target: Record<string, number>): Compiled {
    const p = { ...this.config.portfolio, target };
    const u = makeUniverse(p.quote, target);
    const costs = makeCostModel(u, p.costs);
    return compilePortfolio(
      p,
      makePlanContext(u, p, this.flashFee === null ? costs : withVenueCosts(costs, this.flashFee)),
    );
  }

  /** Feeds the trigger the price history the journal kept, so vol-adaptive and cost-aware state survives restarts. */
  private async warmUp(): Promise<void> {
    // A trigger that keeps no state needs no history (a worker re-reads its runner at every job, issue #28).
    if (this.compiled.trigger.stateless === true) return;
    const u = this.compiled.ctx.u;
    const byTime = new Map<number, Float64Array>();
    for (const [i, a] of u.assets.entries()) {
      if (i === u.quoteIndex) continue;
      for (const o of await this.deps.journal.prices.history(a, u.quote)) {
        const row = byTime.get(o.time) ?? new Float64Array(u.n).fill(Number.NaN);
        byTime.set(o.time, row);
        row[i] = o.price;
      }
    }
    for (const t of [...byTime.keys()].sort((x, y) => x - y)) {
      const row = byTime.get(t)!;
      row[u.quoteIndex] = 1;
      if (row.every((x) => Number.isFinite(x))) this.compiled.trigger.observe(row);
    }
  }

  private async alert(level: AlertEvent['level'], kind: AlertEvent['kind'], message: string): Promise<void> {
    const e: AlertEvent = { portfolioId: this.id, level, kind, message, at: this.deps.now() };
    await this.deps.journal.alerts.record({ portfolioId: this.id, level, kind, message, at: e.at });
    this.deps.observer?.onAlert?.(e);
  }

  async setPaused(paused: boolean, reason: string | null): Promise<void> {
    this.paused = paused;
    this.pauseReason = paused ? reason : null;
    const k = `paused:${this.id}`;
    if (paused) await this.deps.journal.meta.set(k, reason ?? 'paused', this.deps.now());
    else await this.deps.journal.meta.delete(k);
  }

  /** Reads balances and validated prices; throws nothing, returns the refusal instead. */
  async observe(): Promise<
    { ok: true; quotes: Map<string, PriceQuote>; balances: Record<string, number> } | { ok: false; reason: string }
  > {
    const u = this.compiled.ctx.u;
    const needed = u.assets.filter((_, i) => i !== u.quoteIndex);
    const [balances, quotes, reference] = await Promise.all([
      this.deps.venue.balances(),
      this.deps.venue.prices(needed, u.quote),
      this.deps.reference ? this.deps.reference.prices(needed, u.quote) : Promise.resolve(null),
    ]);
    const note = await checkBalanceReply(this.deps.journal, this.id, this.deps.venue.name, balances, this.deps.now());
    if (note !== null) await this.alert('info', 'guard', note);
    const g = this.config.guards;
    // The quote stablecoin against USD, from the reference source, when a depeg limit is set.
    const quoteUsd =
      g.maxQuoteDepegBps !== undefined && this.deps.reference
        ? ((await this.deps.reference.prices([u.quote], 'USD'))[0] ?? null)
        : null;
    const verdict = checkPrices(needed, quotes, reference, this.deps.now(), g, quoteUsd);
    this.guardsOff = verdict.off;
    if (!verdict.ok) return { ok: false, reason: `price guard: ${verdict.problems.join('; ')}` };
    this.lendingView(); // a plan made from these balances (the API's review) is costed with the fee read now
    return { ok: true, quotes: new Map(quotes.map((q) => [q.asset, q])), balances: { ...balances } };
  }

  /**
   * A lending position (issue #23): the position and the loan its rebalance would take, as the venue read them
   * with its latest balances, the loan's fee set in the cost model's flash-fee cell (so the trigger and the
   * planner see it); null for any other venue.
   */
  lendingView(): LendingCycleView | null {
    const venue = this.deps.venue;
    const view = isLendingPositionVenue(venue) ? venue.position() : null;
    if (view === null) return null;
    const i = this.compiled.ctx.u.index.get(view.collateral);
    if (this.flashFee !== null && i !== undefined) this.flashFee.set(i, view.flash?.feeQuote ?? 0);
    return view;
  }

  /** Plans for review (API) or execution: the core's plan at these balances and prices. */
  plan(balances: Record<string, number>, quotes: Map<string, PriceQuote>, mode: 'full' | 'edge' | 'auto'): Plan {
    const c = this.compiled;
    const prices: Record<string, number> = {};
    for (const [a, q] of quotes) prices[a] = q.price;
    const snap = makeSnapshot(c.ctx.u, c.config.ignore, balances, prices, {
      balances: `${this.id} balances`,
      prices: `${this.id} prices`,
    });
    return this.planSnapshot(snap, mode, false);
  }

  /** The core's plan for an already validated snapshot (the cycle has one: no second validation). */
  private planSnapshot(snap: Snapshot, mode: 'full' | 'edge' | 'auto', buyOnly: boolean): Plan {
    const c = this.compiled;
    planInto(c.ctx, snap.qty, snap.prices, mode, c.buf, {
      halfWidth: c.trigger.halfWidth(),
      cov: c.trigger.covariance(),
      buyOnly,
    });
    return describePlan(c.ctx, snap, c.buf);
  }

  /** The cost the paper venue charges for one order: the portfolio's own cost model. */
  paperCost(asset: string, notional: number, side: 'buy' | 'sell'): number {
    const i = this.compiled.ctx.u.index.get(asset);
    return i === undefined ? 0 : orderCost(this.compiled.ctx.costs, i, notional, side === 'buy' ? 1 : -1);
  }

  /** The risk policy the core's decision applies (issue #13: the same for the cycle and for approvals). */
  policy(): RiskPolicy {
    const r = this.config.risk;
    return {
      mode: this.config.mode,
      maxOrderNotional: r.maxOrderNotional,
      approvalAbove: r.approvalAbove,
      cooldownMs: toSeconds(r.cooldown) * 1000,
    };
  }

  /**
   * The core's decision for this portfolio's current state (see core/cycle-decision.ts): every path that
   * could send an order (the cycle, plan review, approval) asks here. The state is the journal's as it is
   * now: an unknown leg, and the orders resting at the venue among the unfinished intents reconciliation
   * keeps up to date (each cycle's, and start-up recovery's).
   */
  async decide(
    trigger: TriggerVerdict,
    plan: () => Plan,
    approved: boolean,
    policy = this.policy(),
  ): Promise<CycleDecision> {
    const { orders } = this.deps.journal;
    const [unknownLegs, unfinished] = await Promise.all([
      orders.hasUnknownLegs(this.id),
      orders.unfinishedIntents(this.id),
    ]);
    return decideCycle({
      now: this.deps.now(),
      state: {
        paused: this.paused,
        pauseReason: this.pauseReason,
        lastRebalanceAt: this.lastRebalanceAt,
        unknownLegs,
        restingLegs: restingOf(unfinished),
      },
      policy,
      trigger,
      plan,
      approved,
    });
  }

  async cycle(): Promise<CycleEvent> {
    const { journal, now } = this.deps;
    const t0 = performance.now();
    const at = now();
    // A disk write failure anywhere in the cycle (issue #13 item 4) pauses the portfolio and alerts instead
    // of crashing: nothing of the failed transaction was committed, and an intent journaled before it is
    // reconciled by lookup at the next start.
    let cycleNo = 0;
    try {
      return await cycleBody.call(this);
    } catch (e) {
      const w = asWriteError(e, journal.location);
      if (!(w instanceof JournalWriteError)) throw w;
      return writeFailed(this, w, at, cycleNo, t0);
    }
    async function cycleBody(this: PortfolioRunner): Promise<CycleEvent> {
      const rec = await journal.cycles.start(this.id, at);
      cycleNo = rec.cycle;
      let out: StageOutcome;
      const detail: Record<string, unknown> = {};
      try {
        out = await runStages(this, rec.cycle, at, detail);
        if (out.decision === 'failed' || out.exec.failed > 0) await this.failed(out.reason);
        else await this.succeeded();
      } catch (e) {
        if (asWriteError(e, journal.location) instanceof JournalWriteError) throw e;
        out = outcome('failed', e instanceof Error ? e.message : String(e));
        await this.failed(out.reason);
      }
      await journal.cycles.finish({
        portfolioId: this.id,
        cycle: rec.cycle,
        decision: out.decision,
        reason: out.reason,
        detail: { ...detail, plan: out.plan },
        at: now(),
      });
      this.lastCycleAt = at;
      const ev: CycleEvent = {
        portfolioId: this.id,
        cycle: rec.cycle,
        at,
        decision: out.decision,
        reason: out.reason,
        value: this.lastValue,
        weights: this.lastWeights,
        plan: out.plan,
        durationMs: performance.now() - t0,
        ordersSent: out.exec.sent,
        ordersFilled: out.exec.filled,
        ordersFailed: out.exec.failed,
        priceAgeSeconds: out.priceAge,
      };
      this.deps.observer?.onCycle?.(ev);
      return ev;
    }
  }

  /** The kill switch's count lives in the store (issue #28): workers that take turns on a portfolio share it. */
  private async succeeded(): Promise<void> {
    if (this.consecutiveFailures === 0) return;
    await this.deps.journal.portfolios.resetFailures(this.id);
    this.consecutiveFailures = 0;
  }

  private async failed(reason: string): Promise<void> {
    this.consecutiveFailures = await this.deps.journal.portfolios.countFailure(this.id);
    await this.alert('warning', 'failure', `cycle failed: ${reason}`);
    if (this.consecutiveFailures >= this.config.risk.killSwitchAfter && !this.paused) {
      await this.setPaused(true, `kill switch: ${this.consecutiveFailures} consecutive failures (last: ${reason})`);
      await this.alert('critical', 'kill_switch', this.pauseReason!);
    }
  }

  /** The planner at a validated snapshot, buy-only for an inflow (the cycle's decide stage calls it). */
  planFor(snap: Snapshot, mode: 'full' | 'edge' | 'auto', buyOnly: boolean): Plan {
    return this.planSnapshot(snap, mode, buyOnly);
  }

  /** The runner's alert (journal + observer), for its stages. */
  raise(level: AlertEvent['level'], kind: AlertEvent['kind'], message: string): Promise<void> {
    return this.alert(level, kind, message);
  }

  /** A paper account moves recorded deposits and withdrawals itself, each once (see PaperVenue.applyFlows). */
  async applyPaperFlows(): Promise<void> {
    const venue = this.deps.venue as Venue & {
      applyFlows?: (portfolioId: string, flows: readonly CashFlow[]) => Promise<void>;
    };
    if (typeof venue.applyFlows !== 'function') return;
    await venue.applyFlows(this.id, await this.deps.journal.cashFlows.list(this.id));
  }

  /** HODL receives the same flows: bought (or sold) at the target weights, without trading costs. */
  hodlFlow(ledger: LedgerState, netFlow: number, prices: Record<string, number>): void {
    const u = this.compiled.ctx.u;
    const hodl = ledger.hodl!;
    u.assets.forEach((a, i) => {
      const p = i === u.quoteIndex ? 1 : prices[a]!;
      hodl[a] = (hodl[a] ?? 0) + (u.target[i]! * netFlow) / p;
    });
  }
}
