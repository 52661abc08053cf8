import type { Command } from 'commander';
import { Journal } from '../../service/journal/index.ts';
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
        const j = Journal.open(f.journal);
        try {
          j.portfolios.get(f.portfolio);
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
