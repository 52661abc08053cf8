import { makeCostModel, orderCost } from '../../core/costs.ts';
import { type Compiled, compilePortfolio } from '../../core/decide.ts';
import { checkPrices } from '../../core/guards.ts';
import { makePlanContext } from '../../core/planner/context.ts';
import { describePlan, type Plan } from '../../core/planner/describe.ts';
import { planInto } from '../../core/planner/plan.ts';
import type { PriceQuote, Venue } from '../../core/ports.ts';
import { makeSnapshot, type Snapshot } from '../../core/snapshot.ts';
import { makeUniverse } from '../../core/universe.ts';
import { weightsInto } from '../../core/valuation.ts';
import type { PriceSource } from '../../venues/paper/paper-venue.ts';
import type { ResolvedPortfolio } from '../config/parse.ts';
import { toSeconds } from '../config/schema.ts';
import { type Journal, reconcileUnfinished } from '../journal/index.ts';
import { executePlan, type ServiceCrashHook } from './execute.ts';
import { Ledger, type LedgerState } from './ledger.ts';
import type { AlertEvent, CycleEvent, RunnerObserver } from './types.ts';

export interface RunnerDeps {
  readonly journal: Journal;
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

  constructor(
    readonly config: ResolvedPortfolio,
    private readonly deps: RunnerDeps,
  ) {
    this.fileTarget = { ...config.portfolio.target };
    this.ledger = new Ledger(deps.journal, config.id);
    deps.journal.portfolios.upsert({ id: config.id, name: config.id, config: config.portfolio, at: deps.now() });
    const stored = deps.journal.portfolios.latestTarget(config.id);
    this.compiled = this.compile(stored ? (stored.targets as Record<string, number>) : this.fileTarget);
    const last = deps.journal.cycles.latest(config.id);
    this.lastCycleAt = last?.startedAt ?? null;
    this.paused = deps.journal.meta.get(`paused:${config.id}`) !== undefined;
    this.pauseReason = deps.journal.meta.get(`paused:${config.id}`) ?? null;
    this.warmUp();
  }

  get id(): string {
    return this.config.id;
  }

  /** Compiles the portfolio with `target` (the database's latest version wins over the file). */
  compile(target: Record<string, number>): Compiled {
    const p = { ...this.config.portfolio, target };
    const u = makeUniverse(p.quote, target);
    return compilePortfolio(p, makePlanContext(u, p, makeCostModel(u, p.costs)));
  }

  /** Feeds the trigger the price history the journal kept, so vol-adaptive and cost-aware state survives restarts. */
  private warmUp(): void {
    const u = this.compiled.ctx.u;
    const byTime = new Map<number, Float64Array>();
    u.assets.forEach((a, i) => {
      if (i === u.quoteIndex) return;
      for (const o of this.deps.journal.prices.history(a, u.quote)) {
        const row = byTime.get(o.time) ?? new Float64Array(u.n).fill(Number.NaN);
        byTime.set(o.time, row);
        row[i] = o.price;
      }
    });
    for (const t of [...byTime.keys()].sort((x, y) => x - y)) {
      const row = byTime.get(t)!;
      row[u.quoteIndex] = 1;
      if (row.every((x) => Number.isFinite(x))) this.compiled.trigger.observe(row);
    }
  }

  private alert(level: AlertEvent['level'], kind: AlertEvent['kind'], message: string): void {
    const e: AlertEvent = { portfolioId: this.id, level, kind, message, at: this.deps.now() };
    this.deps.journal.alerts.record({ portfolioId: this.id, level, kind, message, at: e.at });
    this.deps.observer?.onAlert?.(e);
  }

  setPaused(paused: boolean, reason: string | null): void {
    this.paused = paused;
    this.pauseReason = paused ? reason : null;
    const k = `paused:${this.id}`;
    if (paused) this.deps.journal.meta.set(k, reason ?? 'paused', this.deps.now());
    else this.deps.journal.db.prepare('DELETE FROM meta WHERE key = ?').run(k);
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
    const g = this.config.guards;
    // The quote stablecoin against USD, from the reference source, when a depeg limit is set.
    const quoteUsd =
      g.maxQuoteDepegBps !== undefined && this.deps.reference
        ? ((await this.deps.reference.prices([u.quote], 'USD'))[0] ?? null)
        : null;
    const verdict = checkPrices(needed, quotes, reference, this.deps.now(), g, quoteUsd);
    this.guardsOff = verdict.off;
    if (!verdict.ok) return { ok: false, reason: `price guard: ${verdict.problems.join('; ')}` };
    return { ok: true, quotes: new Map(quotes.map((q) => [q.asset, q])), balances: { ...balances } };
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

  async cycle(): Promise<CycleEvent> {
    const { journal, now } = this.deps;
    const t0 = performance.now();
    const at = now();
    const rec = journal.cycles.start(this.id, at);
    let decision = 'nothing_to_do';
    let reason = '';
    let plan: Plan | null = null;
    let exec = { sent: 0, filled: 0, failed: 0 };
    let priceAge: number | null = null;
    const detail: Record<string, unknown> = {};
    try {
      const r = await this.step(rec.cycle, at, detail);
      ({ decision, reason, plan } = r);
      exec = r.exec;
      priceAge = r.priceAge;
      if (decision === 'failed' || exec.failed > 0) this.failed(reason);
      else this.consecutiveFailures = 0;
    } catch (e) {
      decision = 'failed';
      reason = e instanceof Error ? e.message : String(e);
      this.failed(reason);
    }
    journal.cycles.finish({
      portfolioId: this.id,
      cycle: rec.cycle,
      decision,
      reason,
      detail: { ...detail, plan },
      at: now(),
    });
    this.lastCycleAt = at;
    const ev: CycleEvent = {
      portfolioId: this.id,
      cycle: rec.cycle,
      at,
      decision,
      reason,
      value: this.lastValue,
      weights: this.lastWeights,
      plan,
      durationMs: performance.now() - t0,
      ordersSent: exec.sent,
      ordersFilled: exec.filled,
      ordersFailed: exec.failed,
      priceAgeSeconds: priceAge,
    };
    this.deps.observer?.onCycle?.(ev);
    return ev;
  }

  private failed(reason: string): void {
    this.consecutiveFailures++;
    this.alert('warning', 'failure', `cycle failed: ${reason}`);
    if (this.consecutiveFailures >= this.config.risk.killSwitchAfter && !this.paused) {
      this.setPaused(true, `kill switch: ${this.consecutiveFailures} consecutive failures (last: ${reason})`);
      this.alert('critical', 'kill_switch', this.pauseReason!);
    }
  }

  private async step(cycle: number, at: number, detail: Record<string, unknown>) {
    const { journal } = this.deps;
    const none = { sent: 0, filled: 0, failed: 0 };
    let reason = '';
    const out = (
      decision: string,
      reason: string,
      plan: Plan | null = null,
      exec = none,
      priceAge: number | null = null,
    ) => ({ decision, reason, plan, exec, priceAge });
    if (this.paused) return out('skipped', `paused: ${this.pauseReason}`);
    if (journal.orders.unfinishedIntents(this.id).length > 0) {
      // Bring open orders up to date and resolve unknown legs by lookup first (never by re-sending);
      // the cycle goes on only once no leg is unknown.
      const rep = await reconcileUnfinished(journal.orders, this.deps.venue, {
        clock: { now: this.deps.now },
        portfolioId: this.id,
        recvWindowMs: this.deps.recvWindowMs,
        hook: this.deps.crashHook,
      });
      detail.reconciled = { checked: rep.checked, byState: rep.byState, items: rep.items };
      if (journal.orders.hasUnknownLegs(this.id)) {
        const next =
          rep.nextCheckAt === undefined ? '' : `; next check from ${new Date(rep.nextCheckAt).toISOString()}`;
        return out(
          'skipped',
          `an order of this portfolio has an unknown outcome (${rep.items.map((i) => `${i.clientOrderId}: ${i.note}`).join('; ')}); no new order until it is resolved${next}`,
        );
      }
    }
    this.applyPaperFlows();
    const seen = await this.observe();
    if (!seen.ok) {
      this.alert('warning', 'guard', seen.reason);
      return out('refused', seen.reason);
    }
    const { quotes, balances } = seen;
    const priceAge = Math.max(...[...quotes.values()].map((q) => (at - q.time) / 1000));
    journal.prices.record(this.compiled.ctx.u.quote, [...quotes.values()]);
    const c = this.compiled;
    const u = c.ctx.u;
    const prices: Record<string, number> = {};
    for (const [a, q] of quotes) prices[a] = q.price;
    this.lastPrices = new Map(Object.entries(prices));
    const snap = makeSnapshot(u, c.config.ignore, balances, prices, {
      balances: `${this.id} balances`,
      prices: `${this.id} prices`,
    });
    c.trigger.observe(snap.prices);
    const w = new Float64Array(u.n);
    const value = weightsInto(snap.qty, snap.prices, w);
    this.lastValue = value;
    this.lastWeights = Object.fromEntries(u.assets.map((a, i) => [a, w[i]!]));
    detail.value = value;
    detail.prices = prices;
    // Cash flows not yet invested: an inflow is used to buy underweight assets before anything is sold.
    const ledger = this.ledger.load();
    const flows = journal.cashFlows.list(this.id).filter((f) => f.id > ledger.lastFlowId);
    let netFlow = 0;
    for (const f of flows)
      netFlow += (f.kind === 'deposit' ? 1 : -1) * f.quantity * (prices[f.asset] ?? (f.asset === u.quote ? 1 : 0));
    const inflow = flows.length > 0 && netFlow > 0;
    if (flows.length > 0) {
      Ledger.flow(ledger, value - netFlow, netFlow);
      ledger.lastFlowId = flows[flows.length - 1]!.id;
      if (ledger.hodl !== null) this.hodlFlow(ledger, netFlow, prices);
    }
    detail.hodlValue = Ledger.hodlValue(ledger, new Map([...Object.entries(prices), [u.quote, 1]]));
    let mode = this.config.planMode;
    if (!inflow) {
      const bar = { time: at, prevTime: this.lastCycleAt ?? Number.NaN, qty: snap.qty, prices: snap.prices, w, value };
      const r = c.trigger.check(bar);
      reason = c.trigger.explain(r, bar);
      if (r < 0) {
        this.ledger.save(ledger, at);
        return out('nothing_to_do', reason, null, none, priceAge);
      }
      const cooldown = toSeconds(this.config.risk.cooldown) * 1000;
      if (this.lastRebalanceAt !== null && at - this.lastRebalanceAt < cooldown) {
        this.ledger.save(ledger, at);
        return out(
          'skipped',
          `cooldown: last rebalance ${((at - this.lastRebalanceAt) / 1000).toFixed(0)} s ago, cooldown ${cooldown / 1000} s; ${reason}`,
          null,
          none,
          priceAge,
        );
      }
    } else {
      mode = 'full';
      reason = `invest inflow of ${netFlow.toFixed(2)} ${u.quote} (buy-only)`;
    }
    const plan = this.planSnapshot(snap, mode, inflow);
    // Risk: per-order cap, approval threshold, dry-run.
    const maxOrder = this.config.risk.maxOrderNotional;
    const skipped: {
      asset: string;
      side: 'buy' | 'sell';
      quantity: number;
      notional: number;
      code: string;
      reason: string;
    }[] = [];
    const trades = plan.trades.filter((t) => {
      if (maxOrder !== undefined && t.notional > maxOrder) {
        skipped.push({
          ...t,
          code: 'max_order_notional',
          reason: `notional ${t.notional.toFixed(2)} exceeds maxOrderNotional ${maxOrder}`,
        });
        return false;
      }
      return true;
    });
    for (const s of plan.skipped)
      skipped.push({ asset: s.asset, side: 'buy', quantity: 0, notional: 0, code: 'planner', reason: s.reason });
    const toRun: Plan = { ...plan, trades };
    const total = trades.reduce((s, t) => s + t.notional, 0);
    let result = none;
    let decision = 'rebalanced';
    if (trades.length === 0) decision = 'nothing_to_do';
    else if (this.config.risk.approvalAbove !== undefined && total > this.config.risk.approvalAbove) {
      decision = 'awaiting_approval';
      reason += `; total notional ${total.toFixed(2)} above approvalAbove ${this.config.risk.approvalAbove}: waiting for approval`;
      this.alert('warning', 'approval', reason);
    } else if (this.config.mode === 'dry-run') {
      decision = 'dry_run';
      reason += '; dry-run: nothing sent';
    } else {
      const r = await executePlan({
        journal,
        venue: this.deps.venue,
        portfolioId: this.id,
        cycle,
        quote: u.quote,
        plan: toRun,
        prices: quotes,
        maxSlippageBps: this.config.guards.maxSlippageBps,
        now: this.deps.now,
        crashHook: this.deps.crashHook,
      });
      skipped.push(...r.skipped);
      result = r;
      decision = r.failed > 0 ? (r.filled > 0 ? 'partial' : 'failed') : inflow ? 'invested' : 'rebalanced';
      if (r.filled > 0) this.lastRebalanceAt = at;
      this.alert(
        r.failed > 0 ? 'warning' : 'info',
        'rebalance',
        `${decision}: ${r.filled} of ${trades.length} orders filled; ${reason}`,
      );
    }
    for (const s of skipped) {
      journal.cycles.recordSkipped({
        portfolioId: this.id,
        cycle,
        asset: s.asset,
        side: s.side,
        quantity: s.quantity,
        notional: s.notional,
        code: s.code,
        reason: s.reason,
        at,
      });
    }
    if (skipped.length > 0 && decision !== 'failed')
      this.alert(
        'info',
        'skip',
        `${skipped.length} trade(s) skipped: ${skipped.map((s) => `${s.asset} ${s.reason}`).join('; ')}`,
      );
    // After the first investment the HODL baseline holds what the portfolio bought.
    if (inflow && ledger.hodl === null && result.filled > 0) {
      const after = await this.deps.venue.balances();
      ledger.hodl = Object.fromEntries(u.assets.map((a) => [a, after[a] ?? 0]));
    }
    this.ledger.save(ledger, at);
    return out(decision, reason, toRun, result, priceAge);
  }

  /**
   * A paper account moves recorded deposits and withdrawals itself (on a real venue the user moved the
   * funds and Ballast only records them). Each flow moves once: the last one moved is kept in the journal.
   */
  private applyPaperFlows(): void {
    const venue = this.deps.venue as Venue & { transfer?: (d: Record<string, number>) => unknown };
    if (typeof venue.transfer !== 'function') return;
    const key = `paper-flows:${this.id}`;
    const last = Number(this.deps.journal.meta.get(key) ?? 0);
    for (const f of this.deps.journal.cashFlows.list(this.id).filter((x) => x.id > last)) {
      this.deps.journal.transaction(() => {
        venue.transfer!({ [f.asset]: f.kind === 'deposit' ? f.quantity : -f.quantity });
        this.deps.journal.meta.set(key, String(f.id), this.deps.now());
      });
    }
  }

  /** HODL receives the same flows: bought (or sold) at the target weights, without trading costs. */
  private hodlFlow(ledger: LedgerState, netFlow: number, prices: Record<string, number>): void {
    const u = this.compiled.ctx.u;
    const hodl = ledger.hodl!;
    u.assets.forEach((a, i) => {
      const p = i === u.quoteIndex ? 1 : prices[a]!;
      hodl[a] = (hodl[a] ?? 0) + (u.target[i]! * netFlow) / p;
    });
  }
}
