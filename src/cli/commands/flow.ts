import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { BallastError, InputError } from '../../core/errors.ts';
import { Journal, JournalLockedError } from '../../store/index.ts';
import { isMemoryPath } from '../../store/open-database.ts';
import { UsageError } from '../io.ts';

interface FlowFlags {
  journal: string;
  portfolio: string;
  asset: string;
  quantity: string;
  id?: string;
}

/**
 * `ballast deposit|withdraw`: records a cash flow in the journal (the running service's API does the same,
 * POST /portfolios/:id/deposits). The next cycle invests an inflow, buy-only; performance is time-weighted.
 */
export function registerFlows(program: Command): void {
  for (const kind of ['deposit', 'withdrawal'] as const) {
    program
      .command(kind === 'deposit' ? 'deposit' : 'withdraw')
      .description(`record a ${kind} of a portfolio in the journal`)
      .requiredOption('--journal <file>', 'the service’s journal file')
      .requiredOption('--portfolio <id>', 'portfolio id')
      .requiredOption('--asset <asset>', 'asset moved (usually the quote)')
      .requiredOption('--quantity <q>', 'quantity moved (> 0)')
      .option('--id <externalId>', 'your reference: recording the same id twice records one flow')
      .action((f: FlowFlags) => {
        const quantity = Number(f.quantity);
        if (!(quantity > 0) || !Number.isFinite(quantity))
          throw new UsageError(`--quantity: expected a positive number, got ${JSON.stringify(f.quantity)}`);
        requireJournal(f.journal);
        const j = openWriter(f.journal, f.portfolio, kind);
        try {
          if (!j.portfolios.list().some((p) => p.id === f.portfolio))
            throw new UsageError(
              `--portfolio: journal ${f.journal} has no portfolio ${JSON.stringify(f.portfolio)} (it has: ${
                j.portfolios
                  .list()
                  .map((p) => p.id)
                  .join(', ') || 'none'
              }); a portfolio enters the journal when a service first runs it`,
            );
          const flow = j.cashFlows.record({
            portfolioId: f.portfolio,
            kind,
            asset: f.asset,
            quantity,
            at: Date.now(),
            externalId: f.id,
          });
          process.stdout.write(`${JSON.stringify(flow)}\n`);
        } finally {
          j.close();
        }
      });
  }
}

/**
 * A cash flow goes into the journal of a service that has run: a missing file is named, never created
 * (an empty journal would only hold this flow).
 */
export function requireJournal(path: string): void {
  if (!isMemoryPath(path) && !existsSync(path))
    throw new InputError('--journal', [
      {
        path: '',
        message: `${path} does not exist; name the journal file of your service (its config's journal:, default ballast.sqlite)`,
      },
    ]);
}

/** The journal with its writer lock; a running service holds it, and then its API is the way in. */
function openWriter(path: string, portfolio: string, kind: 'deposit' | 'withdrawal'): Journal {
  try {
    return Journal.open(path, { writer: true });
  } catch (e) {
    if (!(e instanceof JournalLockedError)) throw e;
    const who = e.holder ? ` (pid ${e.holder.pid} on host ${e.holder.host})` : '';
    const route = kind === 'deposit' ? 'deposits' : 'withdrawals';
    throw new BallastError(
      `journal ${path}: a running service holds it${who}; record the ${kind} through its API instead: POST /portfolios/${portfolio}/${route}`,
    );
  }
}
