import { hostname } from 'node:os';
import type { Command } from 'commander';
import { parseService } from '../../service/config/parse.ts';
import { preflight } from '../../service/preflight.ts';
import { startWorker } from '../../service/scale/worker.ts';
import { checkPostgresUrl, isPostgresUrl, redactUrl } from '../../store/postgres/index.ts';
import { positive } from '../flags.ts';
import { readDocument, UsageError } from '../io.ts';
import { stopSignals } from '../stop-signals.ts';

interface WorkerFlags {
  config?: string;
  store?: string;
  name?: string;
  deadline: string;
}

/** `ballast worker`: one of any number of processes running the portfolio cycles queued in PostgreSQL (issue #28). */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run queued portfolio cycles from a PostgreSQL store (any number of workers, on any machines)')
    .option('--config <file>', 'service file (YAML or JSON): the portfolios this worker may run')
    .option('--store <url>', 'the PostgreSQL store: postgres://user@host:5432/db')
    .option('--name <name>', 'this worker’s name in metrics and outcome rows (default: host-pid)')
    .option(
      '--deadline <seconds>',
      'the longest one cycle may take; a job not done in twice this goes to another worker',
      '60',
    )
    .action(async (f: WorkerFlags) => {
      if (f.config === undefined) throw new UsageError('worker needs --config FILE');
      if (f.store === undefined || !isPostgresUrl(f.store))
        throw new UsageError('worker needs --store postgres://user@host:5432/db (workers share a PostgreSQL store)');
      const url = checkPostgresUrl(f.store);
      const deadlineMs = positive('--deadline', f.deadline) * 1000;
      const cfg = parseService(readDocument(f.config), f.config, readDocument);
      const signals = stopSignals();
      await preflight(cfg, { feed: false, api: false });
      const name = f.name ?? `${hostname()}-${process.pid}`;
      const worker = await startWorker({
        storeUrl: url,
        config: cfg,
        name,
        deadlineMs,
        // A cycle past its deadline: its job is another worker's now, so this process stops at once.
        onOverrun: (id) => {
          process.stderr.write(`worker ${name}: the cycle of ${id} overran its deadline; stopping\n`);
          process.exit(75);
        },
      });
      process.stderr.write(`worker ${name} on ${redactUrl(url)}: taking cycle jobs\n`);
      const stop = async () => {
        await worker.stop();
        process.stderr.write(`worker ${name}: stopped after ${worker.completed()} job(s)\n`);
        process.exit(0);
      };
      signals.ready(stop);
      await worker.done;
    });
}
