/**
 * The work queue of portfolio cycles (issue #28) on pg-boss 10 (PostgreSQL; 11 and later need Node 22):
 * one queue, policy `singleton` keyed by portfolio id, so at most one cycle of a portfolio is active at a
 * time however many workers fetch from it, on however many machines; there is no leader. A job's outcome
 * row (`cycle_jobs`) and the job's completion commit in ONE transaction (`complete(…, { db })` on that
 * transaction's client): a worker killed before that commit leaves the job active, pg-boss's maintenance
 * (every ≤ 5 s) expires it after `expireInSeconds` = 2 × the cycle deadline, and it is retried by any worker.
 */
import pg from 'pg';
import PgBoss from 'pg-boss';
import { JournalConflictError, JournalError } from '../errors.ts';
import type { PostgresStore } from './store.ts';
import { redactUrl } from './url.ts';

export const CYCLE_QUEUE = 'ballast-cycles';
/** The PostgreSQL channel a completed job is announced on (delivered at its commit; `serve --workers` listens). */
export const CYCLE_CHANNEL = 'ballast_cycle_done';

/** What a completed job announces (NOTIFY payload): enough for a listener to read the cycle from the store. */
export interface JobDone {
  readonly portfolioId: string;
  readonly cycle: number | null;
  readonly worker: string;
  readonly durationMs: number;
  readonly ordersSent: number;
  readonly ordersFilled: number;
}

export interface CycleJob {
  readonly id: string;
  readonly portfolioId: string;
  /** Earlier attempts of this job (its holder died and the job expired, or the attempt failed). */
  readonly retryCount: number;
}

export interface CycleQueueOptions {
  /** The longest a cycle may take (ms); a job not completed within twice this is given to another worker. */
  readonly deadlineMs: number;
  /** How often pg-boss's maintenance expires jobs of dead workers (s, 1–5; default 5). */
  readonly maintenanceSeconds?: number;
}

export interface JobOutcome {
  readonly bar: number;
  readonly cycle: number | null;
  readonly decision: string;
  readonly worker: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** Wall-clock ms the worker spent on the job. */
  readonly durationMs: number;
  readonly ordersSent: number;
  readonly ordersFilled: number;
}

export class CycleQueue {
  private constructor(
    readonly boss: PgBoss,
    private readonly store: PostgresStore,
    readonly expireInSeconds: number,
  ) {}

  /** Starts pg-boss on the store's database (its own schema `pgboss`, migrated once) and creates the queue. */
  static async open(url: string, store: PostgresStore, o: CycleQueueOptions): Promise<CycleQueue> {
    const maintenance = o.maintenanceSeconds ?? 5;
    if (!(maintenance >= 1 && maintenance <= 5))
      throw new JournalError(`work queue: maintenance every ${maintenance} s; it must be 1–5 s`);
    const expireInSeconds = Math.max(1, Math.ceil((2 * o.deadlineMs) / 1000));
    const boss = new PgBoss({
      connectionString: url,
      max: 4,
      maintenanceIntervalSeconds: maintenance,
      monitorStateIntervalSeconds: 60,
      schedule: false,
    });
    // pg-boss reports background errors as events: kept, never thrown into the process.
    boss.on('error', () => undefined);
    try {
      await boss.start();
      await boss.createQueue(CYCLE_QUEUE, {
        name: CYCLE_QUEUE,
        policy: 'singleton',
        expireInSeconds,
        retryLimit: 1_000_000,
        retryDelay: 1,
        retryBackoff: false,
      });
    } catch (e) {
      await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
      throw new JournalError(
        `work queue on ${store.location}: ${redactUrl(e instanceof Error ? e.message : String(e))}`,
      );
    }
    return new CycleQueue(boss, store, expireInSeconds);
  }

  /** Queues one cycle job per portfolio id (singleton per portfolio: one runs at a time). */
  async enqueue(portfolioIds: readonly string[]): Promise<void> {
    await this.boss.insert(
      portfolioIds.map((portfolioId) => ({
        name: CYCLE_QUEUE,
        data: { portfolioId },
        singletonKey: portfolioId,
        expireInSeconds: this.expireInSeconds,
        retryLimit: 1_000_000,
        // A job whose worker died is retried 1 s after it expires however often that happened: an exponential
        // backoff (2^attempts s) made a job whose new holders were killed again wait tens of seconds.
        retryDelay: 1,
        retryBackoff: false,
      })),
    );
  }

  /** Up to `batch` jobs, each of a different portfolio (and none of a portfolio another worker holds). */
  async fetch(batch = 1): Promise<CycleJob[]> {
    const jobs = await this.boss.fetch<{ portfolioId: string }>(CYCLE_QUEUE, {
      batchSize: batch,
      includeMetadata: true,
    });
    return jobs.map((j) => ({ id: j.id, portfolioId: j.data.portfolioId, retryCount: j.retryCount }));
  }

  /** The bar the portfolio's next job reads: 1 + how many of its jobs completed. */
  async nextBar(portfolioId: string): Promise<number> {
    const r = await this.store.sql.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM cycle_jobs WHERE portfolio_id = ?',
      portfolioId,
    );
    return (r?.n ?? 0) + 1;
  }

  /**
   * Records the job's outcome and completes the job in one transaction. A job no longer active (it expired
   * and went to another worker) or a bar already done is refused whole: nothing is recorded.
   */
  async finish(job: CycleJob, o: JobOutcome): Promise<void> {
    await this.store.sql.tx(async (s) => {
      await s.run(
        'INSERT INTO cycle_jobs (job_id, portfolio_id, bar, cycle, decision, worker, started_at, finished_at, duration_ms, orders_sent, orders_filled, taken_over) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        job.id,
        job.portfolioId,
        o.bar,
        o.cycle,
        o.decision,
        o.worker,
        o.startedAt,
        o.finishedAt,
        Math.round(o.durationMs),
        o.ordersSent,
        o.ordersFilled,
        job.retryCount > 0,
      );
      const done: JobDone = {
        portfolioId: job.portfolioId,
        cycle: o.cycle,
        worker: o.worker,
        durationMs: Math.round(o.durationMs),
        ordersSent: o.ordersSent,
        ordersFilled: o.ordersFilled,
      };
      await s.run('SELECT pg_notify(?, ?)', CYCLE_CHANNEL, JSON.stringify(done));
      const client = s.client!;
      const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
      const r = (await this.boss.complete(CYCLE_QUEUE, job.id, { bar: o.bar }, { db })) as unknown as {
        affected: number;
      };
      if (r.affected !== 1)
        throw new JournalConflictError(
          `work queue: job ${job.id} of ${job.portfolioId} is no longer this worker's (it expired); its outcome is not recorded`,
        );
    });
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true });
  }
}

/**
 * Listens for completed jobs (any worker, any machine) on a connection of its own; `onDone` is called once per
 * job after its commit. A dropped connection is opened again after a second (jobs completed meanwhile are
 * not announced again: their cycles are in the store).
 */
export async function listenJobs(url: string, onDone: (d: JobDone) => void): Promise<{ close(): Promise<void> }> {
  let closed = false;
  let client: pg.Client | null = null;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('error', () => undefined);
    c.on('end', () => {
      if (!closed) setTimeout(() => void connect().catch(() => undefined), 1000).unref();
    });
    c.on('notification', (n) => {
      if (n.channel !== CYCLE_CHANNEL || n.payload === undefined) return;
      try {
        onDone(JSON.parse(n.payload) as JobDone);
      } catch {
        // a payload this version does not read: ignored
      }
    });
    await c.connect();
    await c.query(`LISTEN ${CYCLE_CHANNEL}`);
    client = c;
  };
  try {
    await connect();
  } catch (e) {
    throw new JournalError(
      `work queue: cannot listen on ${redactUrl(url)}: ${redactUrl(e instanceof Error ? e.message : String(e))}`,
    );
  }
  return {
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}
