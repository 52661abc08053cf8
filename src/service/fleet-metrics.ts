/**
 * Metrics per worker (issue #28): the Prometheus text of every `ballast worker` on the shared database,
 * labelled `worker`, built at each scrape of `serve --workers` from the store's figures (so workers on other
 * machines, and workers that have since died, are listed). Counters are the database's totals: they never
 * go down, whichever `serve` process is scraped.
 */
import type { WorkerFigures } from '../store/postgres/worker-stats.ts';

export const WORKER_METRIC_NAMES = [
  'ballast_worker_cycles_total',
  'ballast_worker_cycle_duration_seconds',
  'ballast_worker_orders_sent_total',
  'ballast_worker_orders_filled_total',
  'ballast_worker_jobs_failed_total',
  'ballast_worker_recoveries_total',
  'ballast_worker_starts_total',
  'ballast_worker_kills_total',
] as const;

/** The latency histogram's upper bounds (seconds): the per-portfolio cycle histogram's. */
export const WORKER_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

/** A label value in the text format: backslash, double quote and newline escaped. */
export function labelValue(v: string): string {
  return v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function family(name: string, type: 'counter' | 'histogram', help: string, lines: readonly string[]): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines].join('\n');
}

/** The exposition text of the workers' figures (ends with a newline; empty when there is no worker). */
export function workerMetricsText(figures: readonly WorkerFigures[]): string {
  if (figures.length === 0) return '';
  const w = (f: WorkerFigures) => `worker="${labelValue(f.worker)}"`;
  const simple = (get: (f: WorkerFigures) => number) => figures.map((f) => `{${w(f)}} ${get(f)}`);
  const per = (name: string, get: (f: WorkerFigures) => number) => simple(get).map((l) => `${name}${l}`);
  const latency = 'ballast_worker_cycle_duration_seconds';
  const out = [
    family(
      'ballast_worker_cycles_total',
      'counter',
      'Cycle jobs a worker completed, by the cycle decision (from the shared database)',
      figures.flatMap((f) =>
        Object.entries(f.cycles)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([d, n]) => `ballast_worker_cycles_total{${w(f)},decision="${labelValue(d)}"} ${n}`),
      ),
    ),
    family(
      latency,
      'histogram',
      'Wall time of a cycle job in its worker (recovery of the portfolio, the cycle, the outcome commit)',
      figures.flatMap((f) => [
        ...f.latency.buckets.map(([le, n]) => `${latency}_bucket{${w(f)},le="${le}"} ${n}`),
        `${latency}_bucket{${w(f)},le="+Inf"} ${f.latency.count}`,
        `${latency}_sum{${w(f)}} ${f.latency.sum}`,
        `${latency}_count{${w(f)}} ${f.latency.count}`,
      ]),
    ),
    family(
      'ballast_worker_orders_sent_total',
      'counter',
      'Orders a worker sent in its completed cycle jobs',
      per('ballast_worker_orders_sent_total', (f) => f.ordersSent),
    ),
    family(
      'ballast_worker_orders_filled_total',
      'counter',
      'Orders filled in a worker’s completed cycle jobs',
      per('ballast_worker_orders_filled_total', (f) => f.ordersFilled),
    ),
    family(
      'ballast_worker_jobs_failed_total',
      'counter',
      'Cycle job attempts that threw in a worker (the job is retried)',
      per('ballast_worker_jobs_failed_total', (f) => f.failedJobs),
    ),
    family(
      'ballast_worker_recoveries_total',
      'counter',
      'Cycle jobs a worker completed after an earlier attempt expired (its holder died) or failed',
      per('ballast_worker_recoveries_total', (f) => f.recoveries),
    ),
    family(
      'ballast_worker_starts_total',
      'counter',
      'Starts of a worker of this name',
      per('ballast_worker_starts_total', (f) => f.starts),
    ),
    family(
      'ballast_worker_kills_total',
      'counter',
      'Starts of a worker that found its previous process of the same name ended without a clean stop (killed)',
      per('ballast_worker_kills_total', (f) => f.kills),
    ),
  ];
  return `${out.join('\n')}\n`;
}
