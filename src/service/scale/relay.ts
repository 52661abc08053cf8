/**
 * `serve --workers` (issue #28): cycles run by `ballast worker` processes anywhere reach this process's
 * listeners (the dashboard's live stream, its history, the per-portfolio metrics) as if run here. Each
 * completed job is announced by PostgreSQL (NOTIFY at its commit); the cycle, its snapshot and its plan are
 * read back from the store.
 */
import type { Plan } from '../../core/planner/describe.ts';
import { type JobDone, listenJobs } from '../../store/postgres/cycle-queue.ts';
import type { CycleEvent } from '../runner/types.ts';
import type { Service } from '../service.ts';

/** The CycleEvent of a job a worker completed, from the store. */
export async function cycleEventOf(service: Service, d: JobDone): Promise<CycleEvent | null> {
  if (d.cycle === null || !service.portfolioIds().includes(d.portfolioId)) return null;
  const [c, snap] = await Promise.all([
    service.store.cycles.get(d.portfolioId, d.cycle),
    service.store.cycles.snapshot(d.portfolioId),
  ]);
  const mine = snap !== undefined && snap.cycle === d.cycle;
  const detail = (c.detail ?? {}) as { plan?: Plan | null; value?: number };
  return {
    portfolioId: d.portfolioId,
    cycle: d.cycle,
    at: c.startedAt,
    decision: c.decision ?? 'unknown',
    reason: c.reason ?? '',
    value: mine ? snap.value : typeof detail.value === 'number' ? detail.value : null,
    weights: mine ? { ...snap.weights } : null,
    plan: detail.plan ?? null,
    durationMs: d.durationMs,
    ordersSent: d.ordersSent,
    ordersFilled: d.ordersFilled,
    ordersFailed: 0,
    priceAgeSeconds: null,
  };
}

/** Relays every job completed on the store at `url` to the service's cycle listeners; close() stops. */
export function relayWorkerCycles(service: Service, url: string): Promise<{ close(): Promise<void> }> {
  return listenJobs(url, (d) => {
    void cycleEventOf(service, d)
      .then((e) => {
        if (e !== null) service.announce(e);
      })
      .catch((err: unknown) => service.log.warn({ err, portfolio: d.portfolioId }, 'a worker cycle could not be read'));
  });
}
