/**
 * The solver's service mode (`ballast solve --watch`, issue #24 item 3): one solving round every interval
 * until stopped. A round that fails (the node or the book did not answer) is reported and the next round
 * tries again; nothing is retried inside a round.
 */
import type { BatchSettings } from './batch.ts';
import { type OrderOutcome, type SolverDeps, solveOnce } from './solve.ts';

export interface SolverLoop {
  /** Resolves after the round in progress, if any, has ended. */
  stop(): Promise<void>;
}

export function runSolver(
  d: SolverDeps,
  opts: {
    send: boolean;
    /** Batch auction mode (issue #25); absent: each order settled alone. */
    batch?: BatchSettings;
    intervalMs: number;
    onRound?: (r: readonly OrderOutcome[]) => void;
    onError?: (e: unknown) => void;
  },
): SolverLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const round = (): void => {
    current = solveOnce(d, { send: opts.send, ...(opts.batch === undefined ? {} : { batch: opts.batch }) }).then(
      (r) => opts.onRound?.(r),
      (e: unknown) => opts.onError?.(e),
    );
    void current.then(() => {
      if (!stopped) timer = setTimeout(round, opts.intervalMs);
    });
  };
  round();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
