/**
 * `ballast lever rebalance` (issue #23): a position with debt on an Aave v3 market rebalanced in ONE
 * flash-loan transaction through its BallastLeverage. Simulates and shows by default; --execute sends it.
 */
import type { Command } from 'commander';
import { httpUrl, whole } from '../flags.ts';
import { UsageError } from '../io.ts';

interface LeverFlags {
  rpc: string;
  config: string;
  execute?: boolean;
  keyFile?: string;
  journal?: string;
  chainFile?: string;
  lender?: string;
  json?: boolean;
  receiptTimeout?: string;
}

const LENDERS = ['auto', 'balancer', 'aave', 'uniswap-v3'] as const;

export function registerLever(program: Command): void {
  const lever = program
    .command('lever')
    .description('positions with debt on an Aave v3 market (flash-loan rebalances)');
  lever
    .command('rebalance')
    .description(
      "rebalance the portfolio's chain.lending position to its health-factor floor / target LTV in one flash-loan transaction: by default simulate and show it; --execute sends it",
    )
    .requiredOption('--rpc <url>', 'RPC URL')
    .requiredOption('--config <file>', 'portfolio file with a `chain` section holding `lending`')
    .option('--execute', 'send after the simulation passes (key from BALLAST_PRIVATE_KEY or --key-file)')
    .option('--key-file <file>', 'file holding the private key (never logged)')
    .option('--journal <file>', 'journal file for the transaction (default .ballast/journal.db)')
    .option('--chain-file <file>', 'pool registry written by `ballast chain up`')
    .option('--lender <name>', 'auto (the cheapest, default), balancer, aave or uniswap-v3', 'auto')
    .option('--json', 'print one JSON object: position, plan, funding, calldata size, outcome')
    .option('--receipt-timeout <s>', 'seconds to wait for a receipt before leaving it open for the next run', '120')
    .action(async (f: LeverFlags) => {
      httpUrl('--rpc', f.rpc);
      const lender = f.lender ?? 'auto';
      if (!(LENDERS as readonly string[]).includes(lender))
        throw new UsageError(`--lender: ${JSON.stringify(lender)} is not one of ${LENDERS.join(', ')}`);
      const receiptTimeoutSec = whole('--receipt-timeout', f.receiptTimeout ?? '120', 1, 86_400);
      const { leverRebalance } = await import('./lever-rebalance.ts');
      const { receiptTimeout: _r, lender: _l, ...rest } = f;
      await leverRebalance({ ...rest, lender: lender as (typeof LENDERS)[number], receiptTimeoutSec });
    });
}
