/**
 * Per-worker figures of the work queue (issue #28), read from the shared database so that `serve --workers`
 * lists every worker wherever it runs: jobs and their decisions, latency buckets, orders, take-overs (from
 * `cycle_jobs`, one row per completed job, written with the job's completion) and starts, kills and failed
 * attempts (from `workers`, one row per worker name).
 */
import type { Sql } from './sql.ts';

export interface WorkerFigures {
  readonly worker: string;
  readonly starts: number;
  /** Starts that found the previous process of this name still marked running (it was killed or crashed). */
  readonly kills: number;
  /** Job attempts that threw (the job was retried). */
  readonly failedJobs: number;
  /** Completed jobs by the cycle's decision. */
  readonly cycles: Readonly<Record<string, number>>;
  readonly ordersSent: number;
  readonly ordersFilled: number;
  /** Completed jobs this worker took over from an earlier attempt (its holder died, or the attempt failed). */
  readonly recoveries: number;
  /** Job wall time: count per upper bound (cumulative, seconds → count), sum in seconds, count. */
  readonly latency: {
    readonly buckets: readonly (readonly [number, number])[];
    readonly sum: number;
    readonly count: number;
  };
}

export class WorkerStats {
  constructor(private readonly sql: Sql) {}

  /**
   * Registers a start of worker `name`; a previous process of that name that never stopped cleanly counts as
   * killed. Names must be unique among live workers (`ballast worker --name`).
   */
  async started(name: string, at: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO workers (name, starts, kills, running, started_at) VALUES (?, 1, 0, TRUE, ?)
       ON CONFLICT (name) DO UPDATE SET starts = workers.starts + 1,
         kills = workers.kills + CASE WHEN workers.running THEN 1 ELSE 0 END,
         running = TRUE, started_at = excluded.started_at, stopped_at = NULL`,
      name,
      at,
    );
  }

  /** A clean stop: the next start of this name is not a kill. */
  async stopped(name: string, at: number): Promise<void> {
    await this.sql.run('UPDATE workers SET running = FALSE, stopped_at = ? WHERE name = ?', at, name);
  }

  async jobFailed(name: string): Promise<void> {
    await this.sql.run('UPDATE workers SET failed_jobs = failed_jobs + 1 WHERE name = ?', name);
  }

  /** Every worker's figures; `bucketsS` are the latency histogram's upper bounds in seconds (ascending). */
  async read(bucketsS: readonly number[]): Promise<WorkerFigures[]> {
    // The bounds are numbers of this module's caller, never user text: inlined as numeric literals.
    const filters = bucketsS
      .map((b, i) => `COUNT(*) FILTER (WHERE duration_ms <= ${Number(b) * 1000}) AS b${i}`)
      .join(', ');
    const jobs = await this.sql.all<Record<string, number | string>>(
      `SELECT worker, COUNT(*) AS n, COALESCE(SUM(duration_ms), 0) AS sum_ms, COALESCE(SUM(orders_sent), 0) AS sent,
         COALESCE(SUM(orders_filled), 0) AS filled, COUNT(*) FILTER (WHERE taken_over) AS recoveries${filters === '' ? '' : `, ${filters}`}
       FROM cycle_jobs GROUP BY worker`,
    );
    const decisions = await this.sql.all<{ worker: string; decision: string; n: number }>(
      'SELECT worker, decision, COUNT(*) AS n FROM cycle_jobs GROUP BY worker, decision',
    );
    const workers = await this.sql.all<{ name: string; starts: number; kills: number; failed_jobs: number }>(
      'SELECT name, starts, kills, failed_jobs FROM workers',
    );
    const names = [...new Set([...workers.map((w) => w.name), ...jobs.map((j) => String(j.worker))])].sort();
    return names.map((worker) => {
      const w = workers.find((x) => x.name === worker);
      const j = jobs.find((x) => x.worker === worker);
      const num = (k: string) => Number(j?.[k] ?? 0);
      return {
        worker,
        starts: w?.starts ?? 0,
        kills: w?.kills ?? 0,
        failedJobs: w?.failed_jobs ?? 0,
        cycles: Object.fromEntries(
          decisions.filter((d) => d.worker === worker).map((d) => [d.decision, Number(d.n)] as const),
        ),
        ordersSent: num('sent'),
        ordersFilled: num('filled'),
        recoveries: num('recoveries'),
        latency: {
          buckets: bucketsS.map((b, i) => [b, num(`b${i}`)] as const),
          sum: num('sum_ms') / 1000,
          count: num('n'),
        },
      };
    });
  }
}
