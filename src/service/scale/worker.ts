/**
 * `ballast worker --store postgres://…` (issue #28): one of any number of worker processes, on any number
 * of machines, taking portfolio cycle jobs from the work queue (pg-boss, src/store/postgres/cycle-queue.ts).
 * No leader: the queue gives each portfolio to one worker at a time. For each job the worker recovers the
 * portfolio (a previous holder may have died: lookups, never re-sends), runs one cycle through the same
 * runner as `serve` (intents commit before their sends), then records the outcome and completes the job
 * in one transaction.
 */
import { BallastError } from '../../core/errors.ts';
import { JournalConflictError } from '../../store/errors.ts';
import { CYCLE_QUEUE, CycleQueue } from '../../store/postgres/cycle-queue.ts';
import type { PostgresStore } from '../../store/postgres/index.ts';
import type { PriceSource } from '../../venues/paper/paper-venue.ts';
import type { ResolvedService } from '../config/parse.ts';
import { Service } from '../service.ts';

/** A bar-indexed job held back by an unknown leg (retryHeldBars): failed, to be retried. */
export class HeldBarError extends BallastError {
  override readonly name = 'HeldBarError';
}

export interface WorkerOptions {
  readonly storeUrl: string;
  readonly config: ResolvedService;
  /** This worker's name (metrics label `worker`, the outcome rows' `worker`). */
  readonly name: string;
  /** The longest one cycle may take (ms): jobs expire after twice this. */
  readonly deadlineMs: number;
  readonly now?: () => number;
  readonly feed?: PriceSource | null;
  readonly journalId?: string;
  /**
   * Called with the bar (1, 2 …) a portfolio's job reads before its cycle runs (bar-indexed replays), and
   * how many earlier attempts the job had.
   */
  readonly atBar?: (portfolioId: string, bar: number, attempt: number) => void;
  /**
   * Bar-indexed replays: a job whose cycle an unresolved (unknown) leg held back is not completed but
   * retried, so the bar still runs once the leg is resolved by lookup (default: completed, as skipped).
   */
  readonly retryHeldBars?: boolean;
  /** Poll interval when the queue is empty (ms, default 200). */
  readonly idleMs?: number;
  /** Called when a cycle overran its deadline: its job is given to another worker, so this one must stop. */
  readonly onOverrun?: (portfolioId: string) => void;
}

export interface Worker {
  readonly service: Service;
  readonly queue: CycleQueue;
  /** Jobs completed by this worker. */
  completed(): number;
  /** Stops taking jobs, lets the one under way finish, closes. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (after stop(), or on an error it cannot go past). */
  readonly done: Promise<void>;
}

export async function startWorker(o: WorkerOptions): Promise<Worker> {
  if (!(o.deadlineMs >= 1000))
    throw new BallastError('worker: the cycle deadline must be ≥ 1 s', { next: 'fix-input' });
  const service = await Service.start(o.config, {
    storeUrl: o.storeUrl,
    shared: true,
    registerOnly: true,
    now: o.now,
    feed: o.feed ?? null,
    reference: o.feed === undefined ? undefined : null,
    strictGuards: o.feed === undefined,
    journalId: o.journalId,
  });
  const store = service.store as PostgresStore;
  let queue: CycleQueue;
  try {
    queue = await CycleQueue.open(o.storeUrl, store, { deadlineMs: o.deadlineMs });
  } catch (e) {
    await service.stop();
    throw e;
  }
  try {
    await store.workers.started(o.name, Date.now());
  } catch (e) {
    await queue.stop().catch(() => undefined);
    await service.stop();
    throw e;
  }
  const known = new Set(service.portfolioIds());
  let stopping = false;
  let completed = 0;
  const idle = o.idleMs ?? 200;
  const loop = async () => {
    while (!stopping) {
      const [job] = await queue.fetch(1);
      if (job === undefined) {
        await new Promise((r) => setTimeout(r, idle));
        continue;
      }
      if (!known.has(job.portfolioId)) continue; // another service file's portfolio: expires to its workers
      const started = Date.now();
      const overrun = setTimeout(() => o.onOverrun?.(job.portfolioId), o.deadlineMs);
      try {
        const bar = await queue.nextBar(job.portfolioId);
        o.atBar?.(job.portfolioId, bar, job.retryCount);
        const startedAt = service.now();
        await service.recoverPortfolio(job.portfolioId);
        const ev = await service.runCycle(job.portfolioId);
        if (o.retryHeldBars === true && (await store.orders.hasUnknownLegs(job.portfolioId)))
          throw new HeldBarError(`bar ${bar} of ${job.portfolioId} is held by an unknown leg; the job is retried`);
        await queue.finish(job, {
          bar,
          cycle: ev.cycle,
          decision: ev.decision,
          worker: o.name,
          startedAt,
          finishedAt: service.now(),
          durationMs: Date.now() - started,
          ordersSent: ev.ordersSent,
          ordersFilled: ev.ordersFilled,
        });
        completed += 1;
      } catch (e) {
        service.log.error(
          { err: e, portfolio: job.portfolioId, worker: o.name },
          'cycle job failed; it will be retried',
        );
        await store.workers.jobFailed(o.name).catch(() => undefined);
        // A job that expired to another worker is that worker's now: never failed from here.
        if (!(e instanceof JournalConflictError)) await queue.boss.fail(CYCLE_QUEUE, job.id).catch(() => undefined);
      } finally {
        clearTimeout(overrun);
      }
    }
  };
  const done = loop();
  return {
    service,
    queue,
    completed: () => completed,
    async stop() {
      stopping = true;
      await done.catch(() => undefined);
      await store.workers.stopped(o.name, Date.now()).catch(() => undefined);
      await queue.stop().catch(() => undefined);
      await service.stop();
    },
    done,
  };
}
