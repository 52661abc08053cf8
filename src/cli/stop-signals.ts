/**
 * SIGINT/SIGTERM handling for the long-running commands (`serve`, `worker`, `sim`, `solve --watch`).
 *
 * The handlers are installed before start-up, not after it: a signal that arrives while the command is still
 * starting (opening its store, registering a worker, starting the API) would otherwise meet Node's default
 * action and kill the process mid-way, with no clean stop and no exit code. Here such a signal waits for
 * start-up to finish, then stops the command the same way as a signal received later.
 */
export interface StopSignals {
  /** Start-up is done: `stop` runs now if a signal already came, else on the first one. */
  ready(stop: () => void | Promise<void>): void;
  /** Whether a signal has come (start-up may skip work it would undo at once). */
  readonly requested: boolean;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function stopSignals(): StopSignals {
  let requested = false;
  let stop: (() => void | Promise<void>) | undefined;
  let ran = false;
  const run = () => {
    if (ran || stop === undefined) return;
    ran = true;
    // A stop that fails (a store that cannot close) is one line and exit 1, never an unhandled rejection.
    Promise.resolve()
      .then(stop)
      .catch((e: unknown) => {
        process.stderr.write(`stopping failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}\n`);
        process.exit(1);
      });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (ran) process.stderr.write(`${signal}: already stopping; the work under way finishes first (kill -9 forces)\n`);
    requested = true;
    run();
  };
  // `on`, not `once`: a second signal during a slow stop must not meet the default action either.
  for (const s of SIGNALS) process.on(s, onSignal);
  return {
    ready(f) {
      stop = f;
      if (requested) run();
    },
    get requested() {
      return requested;
    },
  };
}
