/**
 * Prometheus metrics (prom-client) on a registry of their own, so several services (tests) can live in
 * one process. Counters and the cycle-duration histogram are fed from the runner's cycle and alert
 * events; value, drift and price age are gauges refreshed from the last cycle event and, at each scrape,
 * from the facade's portfolio views (so they are right after a restart, before the first cycle).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkerFigures } from '../store/postgres/worker-stats.ts';
import type { PortfolioView } from './facade.ts';
import { WORKER_LATENCY_BUCKETS, workerMetricsText } from './fleet-metrics.ts';
import type { AlertEvent, CycleEvent } from './runner/types.ts';
import type { SolverStatus } from './solver-loop.ts';

export const METRIC_NAMES = [
  'ballast_portfolio_value',
  'ballast_portfolio_weight',
  'ballast_portfolio_drift',
  'ballast_portfolio_paused',
  'ballast_last_price_age_seconds',
  'ballast_orders_sent_total',
  'ballast_orders_filled_total',
  'ballast_orders_failed_total',
  'ballast_cycles_total',
  'ballast_cycle_duration_seconds',
  'ballast_alerts_total',
  'ballast_last_cycle_timestamp_seconds',
] as const;

/** Exported only by a service in solver mode (`solver:` in its file). */
export const SOLVER_METRIC_NAMES = [
  'ballast_solver_rounds_total',
  'ballast_solver_orders_settled_total',
  'ballast_solver_orders_failed_total',
  'ballast_solver_round_errors_total',
  'ballast_solver_last_round_skipped',
  'ballast_solver_last_settle_timestamp_seconds',
] as const;

export interface MetricsOptions {
  /** Also export node's process metrics (CPU, RSS, event-loop lag) with the `ballast_` prefix. Default true. */
  readonly processMetrics?: boolean;
  /** Called at each scrape: the current views (the facade's), to refresh the gauges. */
  readonly views?: () => readonly PortfolioView[] | Promise<readonly PortfolioView[]>;
  /**
   * `serve --workers` (issue #28): at each scrape, every worker's figures from the shared database (given the
   * latency bucket bounds), exported with a `worker` label (fleet-metrics.ts).
   */
  readonly workers?: (bucketsS: readonly number[]) => Promise<readonly WorkerFigures[]>;
  /** Solver mode's counts, read at each scrape (null: no solver, no solver metrics). */
  readonly solver?: () => SolverStatus | null;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly contentType: string;
  private readonly value: Gauge<'portfolio'>;
  private readonly weight: Gauge<'portfolio' | 'asset'>;
  private readonly drift: Gauge<'portfolio' | 'asset'>;
  private readonly paused: Gauge<'portfolio'>;
  private readonly priceAge: Gauge<'portfolio'>;
  private readonly lastCycle: Gauge<'portfolio'>;
  private readonly sent: Counter<'portfolio'>;
  private readonly filled: Counter<'portfolio'>;
  private readonly failed: Counter<'portfolio'>;
  private readonly cycles: Counter<'portfolio' | 'decision'>;
  private readonly alerts: Counter<'portfolio' | 'level' | 'kind'>;
  private readonly duration: Histogram<'portfolio'>;
  private readonly views: MetricsOptions['views'];
  private readonly workers: MetricsOptions['workers'];

  constructor(options: MetricsOptions = {}) {
    const r = [this.registry];
    this.contentType = this.registry.contentType;
    this.views = options.views;
    this.workers = options.workers;
    this.value = new Gauge({
      name: 'ballast_portfolio_value',
      help: 'Portfolio value in its quote at the last validated prices',
      labelNames: ['portfolio'],
      registers: r,
    });
    this.weight = new Gauge({
      name: 'ballast_portfolio_weight',
      help: 'Current weight of an asset (fraction of value)',
      labelNames: ['portfolio', 'asset'],
      registers: r,
    });
    this.drift = new Gauge({
      name: 'ballast_portfolio_drift',
      help: 'Current weight minus target weight, per asset',
      labelNames: ['portfolio', 'asset'],
      registers: r,
    });
    this.paused = new Gauge({
      name: 'ballast_portfolio_paused',
      help: '1 when the portfolio is paused (by the API or the kill switch)',
      labelNames: ['portfolio'],
      registers: r,
    });
    this.priceAge = new Gauge({
      name: 'ballast_last_price_age_seconds',
      help: 'Age of the oldest price used by the last cycle, at that cycle',
      labelNames: ['portfolio'],
      registers: r,
    });
    this.lastCycle = new Gauge({
      name: 'ballast_last_cycle_timestamp_seconds',
      help: 'Time of the last finished cycle (Unix seconds; bar time in replay)',
      labelNames: ['portfolio'],
      registers: r,
    });
    this.sent = new Counter({
      name: 'ballast_orders_sent_total',
      help: 'Orders sent to a venue',
      labelNames: ['portfolio'],
      registers: r,
    });
    this.filled = new Counter({
      name: 'ballast_orders_filled_total',
      help: 'Orders filled',
      labelNames: ['portfolio'],
      registers: r,
    });
    this.failed = new Counter({
      name: 'ballast_orders_failed_total',
      help: 'Orders rejected, unknown or not placed',
      labelNames: ['portfolio'],
      registers: r,
    });
    this.cycles = new Counter({
      name: 'ballast_cycles_total',
      help: 'Cycles run, by decision',
      labelNames: ['portfolio', 'decision'],
      registers: r,
    });
    this.alerts = new Counter({
      name: 'ballast_alerts_total',
      help: 'Alerts raised',
      labelNames: ['portfolio', 'level', 'kind'],
      registers: r,
    });
    this.duration = new Histogram({
      name: 'ballast_cycle_duration_seconds',
      help: 'Wall-clock duration of a cycle (read, validate, plan, execute, record)',
      labelNames: ['portfolio'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: r,
    });
    const solver = options.solver;
    if (solver !== undefined && solver() !== null) this.solverMetrics(solver);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'ballast_' });
  }

  /** The solver's counts as metrics, each read from its status at scrape time. */
  private solverMetrics(status: () => SolverStatus | null): void {
    const r = [this.registry];
    const counter = (name: string, help: string, get: (s: SolverStatus) => number) =>
      new Counter({
        name,
        help,
        registers: r,
        collect() {
          const s = status();
          this.reset();
          if (s !== null && get(s) > 0) this.inc(get(s));
        },
      });
    const gauge = (name: string, help: string, get: (s: SolverStatus) => number | null) =>
      new Gauge({
        name,
        help,
        registers: r,
        collect() {
          const v = ((s) => (s === null ? null : get(s)))(status());
          if (v !== null) this.set(v);
        },
      });
    counter('ballast_solver_rounds_total', 'Solver rounds run (solver mode)', (s) => s.rounds);
    counter('ballast_solver_orders_settled_total', 'Orders the solver settled on chain', (s) => s.settled);
    counter('ballast_solver_orders_failed_total', 'Settlements the solver sent that reverted', (s) => s.failed);
    counter(
      'ballast_solver_round_errors_total',
      'Solver rounds that failed as a whole (node or order book unreachable)',
      (s) => s.roundErrors,
    );
    gauge(
      'ballast_solver_last_round_skipped',
      'Orders the last solver round skipped or only simulated',
      (s) => s.lastRoundSkipped,
    );
    gauge('ballast_solver_last_settle_timestamp_seconds', 'Time of the solver’s last settlement (Unix seconds)', (s) =>
      s.lastSettleAt === null ? null : s.lastSettleAt / 1000,
    );
  }

  observeCycle(e: CycleEvent, view?: PortfolioView): void {
    const portfolio = e.portfolioId;
    this.cycles.inc({ portfolio, decision: e.decision });
    this.duration.observe({ portfolio }, Math.max(0, e.durationMs) / 1000);
    if (e.ordersSent > 0) this.sent.inc({ portfolio }, e.ordersSent);
    if (e.ordersFilled > 0) this.filled.inc({ portfolio }, e.ordersFilled);
    if (e.ordersFailed > 0) this.failed.inc({ portfolio }, e.ordersFailed);
    if (e.priceAgeSeconds !== null) this.priceAge.set({ portfolio }, e.priceAgeSeconds);
    if (e.value !== null) this.value.set({ portfolio }, e.value);
    this.lastCycle.set({ portfolio }, e.at / 1000);
    if (e.weights !== null)
      for (const [asset, w] of Object.entries(e.weights)) this.weight.set({ portfolio, asset }, w);
    if (view !== undefined) this.refresh([view]);
  }

  observeAlert(e: AlertEvent): void {
    this.alerts.inc({ portfolio: e.portfolioId, level: e.level, kind: e.kind });
  }

  /** Gauges from the views: value, weights, drift, paused, last cycle time. */
  refresh(views: readonly PortfolioView[]): void {
    for (const v of views) {
      const portfolio = v.id;
      if (v.value !== null) this.value.set({ portfolio }, v.value);
      for (const [asset, w] of Object.entries(v.weights)) this.weight.set({ portfolio, asset }, w);
      for (const [asset, d] of Object.entries(v.drift)) this.drift.set({ portfolio, asset }, d);
      this.paused.set({ portfolio }, v.paused ? 1 : 0);
      if (v.lastCycleAt !== null) this.lastCycle.set({ portfolio }, v.lastCycleAt / 1000);
    }
  }

  /** The exposition text; the view gauges are refreshed from the facade's views first, the workers' appended. */
  async text(): Promise<string> {
    if (this.views !== undefined) this.refresh(await this.views());
    const own = await this.registry.metrics();
    if (this.workers === undefined) return own;
    return `${own}${workerMetricsText(await this.workers(WORKER_LATENCY_BUCKETS))}`;
  }
}
