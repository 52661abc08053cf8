import { EventEmitter } from 'node:events';
import { CronExpressionParser } from 'cron-parser';
import pino from 'pino';
import { BasketKeeper } from '../chain/basket/keeper.ts';
import type { BasketView } from '../chain/basket/view.ts';
import { parsePortfolio } from '../core/config/parse.ts';
import { BallastError, type Next } from '../core/errors.ts';
import { isLendingPositionVenue, type LendingCycleView } from '../core/lending/position-venue.ts';
import type { Venue } from '../core/ports.ts';
import { type ReconcileReport, recoverOnStart } from '../orders/index.ts';
import { Journal, type TargetVersion } from '../store/index.ts';
import { type Store, sqliteStore } from '../store/ports.ts';
import { openPostgresStore } from '../store/postgres/index.ts';
import { BasketVenue } from '../venues/basket/basket-venue.ts';
import type { PriceSource } from '../venues/paper/paper-venue.ts';
import type { ResolvedService } from './config/parse.ts';
import { toSeconds } from './config/schema.ts';
import type { PortfolioView, ReviewPlan, ServiceFacade, ServiceStatus } from './facade.ts';
import type { ServiceCrashHook } from './gate/send-orders.ts';
import { pauseUnlisted } from './listing-check.ts';
import { createLogger } from './logger.ts';
import { preflight } from './preflight.ts';
import { createReviewPlan, executeReviewPlan } from './review.ts';
import { Ledger } from './runner/ledger.ts';
import { PortfolioRunner } from './runner/portfolio-runner.ts';
import type { AlertEvent, CycleEvent } from './runner/types.ts';
import { readPausedSidecar, removePausedSidecar, reservePausedSidecar } from './runner/write-failure.ts';
import { prepareSolver, type SolverMode, type SolverStatus } from './solver-loop.ts';
import { checkedExecution, createReference, createVenue } from './venues.ts';

export interface ServiceOptions {
  /** The clock: the wall clock, or the replay's bar clock. */
  readonly now?: () => number;
  /** Price feed for paper venues (the replay, or a live feed). */
  readonly feed?: PriceSource | null;
  /** Independent reference prices for the deviation guard (null = single source). */
  readonly reference?: PriceSource | null;
  /** Journal path override (':memory:' for a replay). */
  readonly journalPath?: string;
  /**
   * `serve --store postgres://…` (issue #28): the PostgreSQL store instead of the SQLite journal. Its URL is
   * only ever shown without its password (`store.location`).
   */
  readonly storeUrl?: string;
  /**
   * A worker among many on one PostgreSQL store (`ballast worker`, issue #28): no start-up reconciliation
   * and no clearing of claims at start (other workers are alive); each portfolio is recovered by
   * `recoverPortfolio` when its cycle job is fetched, under the queue's one-active-job-per-portfolio rule.
   */
  readonly shared?: boolean;
  /**
   * `ballast worker`: register each portfolio but read none of its state at start (each job re-reads its
   * runner: recoverPortfolio), so a (re)started worker takes jobs sooner. Needs `shared`.
   */
  readonly registerOnly?: boolean;
  /** Refuse live mode on a single price source (the guard would be off). Default true. */
  readonly strictGuards?: boolean;
  /** Fixes the journal's id (namespace of client order ids) of a new journal: crash trials replaying a seed. */
  readonly journalId?: string;
  /** `serve --strict`: a target asset the venue does not list stops the start (else that portfolio is paused). */
  readonly strictMarkets?: boolean;
  /** Crash-trial hook (tests only), called at each protocol step boundary incl. start-up reconciliation. */
  readonly crashHook?: ServiceCrashHook;
}

/**
 * The long-lived service: one journal, one runner per portfolio, each on its own schedule. Start-up order:
 * open and migrate the journal, reconcile every unfinished intent with its venue (before anything else),
 * then schedule cycles.
 */
export class Service implements ServiceFacade {
  readonly runners = new Map<string, PortfolioRunner>();
  readonly venues = new Map<string, Venue>();
  private readonly events = new EventEmitter();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  readonly startedAt: number;
  recovery: ReconcileReport | null = null;
  /** Solver mode (`solver:` in the service file): started with the schedule, stopped with the service. */
  private solver: SolverMode | null = null;
  private stopped = false;
  private readonly inflight = new Set<Promise<CycleEvent>>();
  /** stderr: disk write failures and scheduled cycles that threw are logged here (issue #13 item 4). */
  readonly log = createLogger({ name: 'ballast-service', destination: pino.destination(2) });

  /** The storage layer every path of the service goes through. */
  readonly store: Store;

  private constructor(
    readonly config: ResolvedService,
    store: Store,
    private readonly sqlite: Journal | null,
    readonly now: () => number,
  ) {
    this.store = store;
    this.startedAt = now();
    this.events.setMaxListeners(100);
    this.events.on('alert', (e: AlertEvent) => {
      if (e.level === 'critical') this.log.error({ portfolio: e.portfolioId, kind: e.kind }, e.message);
    });
  }

  /** The SQLite journal behind `store` (the file, its lock and sidecars; tests inspect it directly). */
  get journal(): Journal {
    if (this.sqlite === null)
      throw new BallastError(`the service runs on ${this.store.location}, not on a SQLite journal`, { next: 'stop' });
    return this.sqlite;
  }

  static async start(config: ResolvedService, o: ServiceOptions = {}): Promise<Service> {
    const now = o.now ?? Date.now;
    for (const p of config.portfolios) {
      checkedExecution(p); // a venue field the venue cannot honour stops the start, before the journal opens
      const paper = p.venue === 'paper' || p.venue.type === 'paper';
      if (
        p.mode === 'live' &&
        !paper &&
        (o.reference ?? null) === null &&
        p.reference === undefined &&
        (o.strictGuards ?? true)
      ) {
        throw new BallastError(
          `portfolio ${p.id}: live mode needs an independent reference price source for the deviation guard; with a single source only dry-run, paper and replay may run`,
          { next: 'fix-input' },
        );
      }
    }
    // Keys, feeds: checked before the journal is opened, so a refused start leaves nothing behind.
    await preflight(config, { feed: (o.feed ?? null) !== null, api: false });
    // The solver's key, chain file and allow-listing, also before the journal opens.
    const solver = config.solver === undefined ? null : await prepareSolver(config.solver, { now });
    const journal =
      o.storeUrl === undefined
        ? Journal.open(o.journalPath ?? config.journal, { now: now(), journalId: o.journalId, writer: true })
        : null;
    const store =
      journal === null
        ? await openPostgresStore(o.storeUrl!, { now: now(), journalId: o.journalId, writer: o.shared !== true })
        : sqliteStore(journal);
    const s = new Service(config, store, journal, now);
    s.solver = solver;
    try {
      for (const p of config.portfolios) {
        let runner: PortfolioRunner | undefined;
        const venue = await createVenue(p, { journal: store, feed: o.feed ?? null, now, runner: () => runner! });
        const reference = o.reference ?? (p.reference ? await createReference(p.reference, 'reference', now) : null);
        runner = await (o.registerOnly === true ? PortfolioRunner.registered : PortfolioRunner.create)(p, {
          journal: store,
          venue,
          reference,
          now,
          recvWindowMs: recvWindowOf(p),
          crashHook: o.crashHook,
          observer: { onCycle: (e) => s.events.emit('cycle', e), onAlert: (e) => s.events.emit('alert', e) },
        });
        s.runners.set(p.id, runner);
        s.venues.set(p.id, venue);
      }
      // Per portfolio with its own venue: intents record the venue's name ('binance'), which two portfolios
      // on one exchange (different accounts) share, so a name-keyed map could look one up in the wrong account.
      // Claims left by a process that died (the writer lock says none is alive): their work is reconciled below.
      const reports: ReconcileReport[] = [];
      if (o.shared !== true) await store.claims.clearStale(now());
      for (const p of o.shared === true ? [] : config.portfolios) {
        reports.push(
          await recoverOnStart(store, s.venues.get(p.id)!, {
            clock: { now },
            recvWindowMs: recvWindowOf(p),
            hook: o.crashHook,
            portfolioId: p.id,
          }),
        );
      }
      s.recovery = mergeReports(reports);
      if (journal !== null) {
        reservePausedSidecar(journal.path);
        // Pauses a disk write failure could not journal (runner/write-failure.ts): journaled now, the sidecar goes.
        const held = readPausedSidecar(journal.path);
        for (const [id, reason] of Object.entries(held)) await s.runners.get(id)?.setPaused(true, reason);
        if (Object.keys(held).length > 0) removePausedSidecar(journal.path);
      }
      await pauseUnlisted(s.runners.values(), o.strictMarkets ?? false);
    } catch (e) {
      await store.close();
      throw e;
    }
    return s;
  }

  /**
   * Recovers one portfolio whose previous holder may have died (a worker's job expired): its claim is
   * released, its runner re-read from the store, every unfinished intent is resolved by lookup (never re-sent) and cycles it left open are
   * closed as interrupted. Call it only while no other process works on this portfolio (the work queue's
   * singleton job).
   */
  async recoverPortfolio(id: string): Promise<ReconcileReport> {
    const old = this.runner(id);
    await this.store.claims.release(id);
    // Another worker may have run its last cycles: the runner resumes from the store, not from memory.
    this.runners.set(id, await PortfolioRunner.create(old.config, old.deps));
    const p = this.config.portfolios.find((x) => x.id === id)!;
    return recoverOnStart(this.store, this.venues.get(id)!, {
      clock: { now: this.now },
      recvWindowMs: recvWindowOf(p),
      portfolioId: id,
    });
  }

  private dispatch: ((id: string) => Promise<unknown>) | null = null;

  /**
   * Schedules every portfolio on the wall clock (interval or cron). With `dispatch` (`serve --store postgres://
   * --workers`), a due cycle is handed to it (queued for the workers) instead of run in this process.
   */
  schedule(dispatch?: (id: string) => Promise<unknown>): void {
    this.dispatch = dispatch ?? null;
    for (const r of this.runners.values()) this.scheduleNext(r);
    this.solver?.start();
  }

  private scheduleNext(r: PortfolioRunner): void {
    if (this.stopped) return;
    this.armAt(r, nextRunAt(r.config.schedule, this.now()));
  }

  /**
   * setTimeout fires at once past 2^31−1 ms (~24.8 days, e.g. a yearly cron): a far run time is reached
   * in steps of at most that, and the cycle runs only once it is due.
   */
  private armAt(r: PortfolioRunner, at: number): void {
    if (this.stopped) return;
    const delay = Math.max(0, at - this.now());
    const step = Math.min(delay, MAX_TIMER_MS);
    const fire =
      step < delay
        ? () => this.armAt(r, at)
        : () =>
            void (this.dispatch === null ? this.runCycle(r.id) : this.dispatch(r.id))
              .catch((e: unknown) => this.log.error({ err: e, portfolio: r.id }, 'scheduled cycle failed'))
              .finally(() => this.scheduleNext(r));
    this.timers.set(r.id, setTimeout(fire, step));
  }

  /** Stops scheduling, lets cycles under way finish (so a SIGTERM never leaves an intent half-sent), closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    await Promise.allSettled([...this.inflight]);
    await this.solver?.stop();
    for (const v of this.venues.values()) await v.close?.();
    await this.store.close();
  }

  private runner(id: string): PortfolioRunner {
    const r = this.runners.get(id);
    if (!r)
      throw new NotFoundError(`no portfolio ${JSON.stringify(id)}; known: ${[...this.runners.keys()].join(', ')}`);
    return r;
  }

  async basket(id: string): Promise<BasketView | null> {
    this.runner(id);
    const v = this.venues.get(id);
    return v instanceof BasketVenue && v.keeper instanceof BasketKeeper ? v.keeper.view() : null;
  }

  /** The lending position as its venue last read it (each cycle and each plan read it); null for others. */
  async lending(id: string): Promise<LendingCycleView | null> {
    this.runner(id);
    const v = this.venues.get(id);
    return v !== undefined && isLendingPositionVenue(v) ? v.position() : null;
  }

  runCycle(id: string): Promise<CycleEvent> {
    const p = this.runner(id).cycle();
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  async status(): Promise<ServiceStatus> {
    const last = await Promise.all([...this.runners.keys()].map((id) => this.store.cycles.latest(id)));
    return {
      startedAt: this.startedAt,
      now: this.now(),
      version: '0.1.0',
      journal: this.store.location,
      portfolios: [...this.runners.values()].map((r, k) => ({
        id: r.id,
        mode: r.config.mode,
        paused: r.paused,
        lastCycleAt: r.lastCycleAt,
        lastDecision: last[k]?.decision ?? null,
      })),
      ...(this.solver === null ? {} : { solver: this.solver.status() }),
    };
  }

  solverStatus(): SolverStatus | null {
    return this.solver?.status() ?? null;
  }

  portfolioIds(): string[] {
    return [...this.runners.keys()];
  }

  /**
   * The portfolio as the API and dashboard show it. Value, weights, prices, pause, last cycle and the kill
   * switch's count come from the store (issue #28): the last cycle's snapshot, whichever process ran it (a
   * `ballast worker` anywhere, or this one); this process's own memory only when it is newer (a cycle whose
   * snapshot a disk write failure kept out of the journal).
   */
  async portfolio(id: string): Promise<PortfolioView> {
    const r = this.runner(id);
    const u = r.compiled.ctx.u;
    const target = Object.fromEntries(u.assets.map((a, i) => [a, u.target[i]!]));
    const hw = r.compiled.trigger.halfWidth();
    const [stored, ledger, snap, last, pauseReason, failures] = await Promise.all([
      this.store.portfolios.latestTarget(id),
      r.ledger.load(),
      this.store.cycles.snapshot(id),
      this.store.cycles.latest(id),
      this.store.meta.get(`paused:${id}`),
      this.store.portfolios.failures(id),
    ]);
    const mine = r.lastValue !== null && (snap === undefined || (r.lastCycleAt ?? -1) > snap.at);
    const value = mine ? r.lastValue : (snap?.value ?? null);
    const weights = mine ? (r.lastWeights ?? {}) : { ...(snap?.weights ?? {}) };
    const prices = mine ? r.lastPrices : new Map(Object.entries(snap?.prices ?? {}));
    const lastCycleAt = Math.max(r.lastCycleAt ?? -1, last?.startedAt ?? -1);
    // A pause a disk write failure could not journal is this process's alone (runner/write-failure.ts).
    const paused = pauseReason ?? (r.paused ? (r.pauseReason ?? 'paused') : null);
    return {
      id,
      quote: u.quote,
      venue: this.venues.get(id)!.name,
      mode: r.config.mode,
      paused: paused !== null,
      pauseReason: paused,
      value,
      weights,
      target,
      drift: Object.fromEntries(u.assets.map((a) => [a, (weights[a] ?? 0) - target[a]!])),
      bands: hw === null ? null : Object.fromEntries(u.assets.map((a, i) => [a, hw[i]!])),
      targetSource: { active: stored ? 'database' : 'file', file: r.fileTarget, database: stored ?? null },
      lastCycleAt: lastCycleAt < 0 ? null : lastCycleAt,
      twr: value === null || ledger.units === 0 ? null : Ledger.nav(ledger, value) - 1,
      hodlValue: Ledger.hodlValue(ledger, new Map([...prices, [u.quote, 1]])),
      guardsOff: r.guardsOff,
      consecutiveFailures: failures,
    };
  }

  async pause(id: string, reason: string): Promise<void> {
    await this.runner(id).setPaused(true, reason);
  }

  async resume(id: string): Promise<void> {
    const r = this.runner(id);
    await r.setPaused(false, null);
    await this.store.portfolios.resetFailures(id);
    r.consecutiveFailures = 0;
  }

  async setTarget(id: string, target: Record<string, number>): Promise<TargetVersion> {
    const r = this.runner(id);
    const p = parsePortfolio({ ...r.config.portfolio, target }, `PUT /portfolios/${id}/target`);
    const v = await this.store.portfolios.addTargetVersion({
      portfolioId: id,
      targets: p.target,
      source: 'api',
      at: this.now(),
    });
    r.compiled = r.compile(p.target);
    return v;
  }

  cashFlow(id: string, kind: 'deposit' | 'withdrawal', asset: string, quantity: number, externalId?: string) {
    this.runner(id);
    // Recorded only: the next cycle invests it (a paper account also moves the funds then).
    return this.store.cashFlows.record({ portfolioId: id, kind, asset, quantity, at: this.now(), externalId });
  }

  createPlan(id: string): Promise<ReviewPlan> {
    return createReviewPlan(this.runner(id), this.store, this.now());
  }

  executePlan(planId: string) {
    return executeReviewPlan(planId, this.runners, this.store, this.now);
  }

  /** A cycle run elsewhere (a `ballast worker`, scale/relay.ts) to this process's cycle listeners. */
  announce(e: CycleEvent): void {
    this.events.emit('cycle', e);
  }

  onCycle(listener: (e: CycleEvent) => void): () => void {
    this.events.on('cycle', listener);
    return () => this.events.off('cycle', listener);
  }

  onAlert(listener: (e: AlertEvent) => void): () => void {
    this.events.on('alert', listener);
    return () => this.events.off('alert', listener);
  }
}

function mergeReports(rs: readonly ReconcileReport[]): ReconcileReport {
  const byState: Record<string, number> = {};
  for (const r of rs) for (const [k, n] of Object.entries(r.byState)) byState[k] = (byState[k] ?? 0) + n;
  const next = rs.flatMap((r) => (r.nextCheckAt === undefined ? [] : [r.nextCheckAt]));
  return {
    checked: rs.reduce((a, r) => a + r.checked, 0),
    byState,
    lookupErrors: rs.reduce((a, r) => a + r.lookupErrors, 0),
    anomalies: rs.reduce((a, r) => a + r.anomalies, 0),
    stillUnknown: rs.reduce((a, r) => a + r.stillUnknown, 0),
    ...(next.length === 0 ? {} : { nextCheckAt: Math.min(...next) }),
    items: rs.flatMap((r) => r.items),
  };
}

function recvWindowOf(p: ResolvedService['portfolios'][number]): number {
  return p.venue !== 'paper' && p.venue.type === 'ccxt' ? (p.venue.recvWindowMs ?? 5000) : 5000;
}

export class NotFoundError extends BallastError {
  static override readonly httpStatus = 404 as const;
  static override readonly next: Next = 'fix-input';
  override readonly name = 'NotFoundError';
}

/** The longest delay setTimeout honours (2^31 − 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/** The next time a schedule is due after `now` (ms). */
export function nextRunAt(schedule: { every: number | string } | { cron: string }, now: number): number {
  if ('every' in schedule) {
    const ms = toSeconds(schedule.every) * 1000;
    return Math.floor(now / ms) * ms + ms;
  }
  return CronExpressionParser.parse(schedule.cron, { currentDate: new Date(now), tz: 'UTC' })
    .next()
    .getTime();
}
