#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { InputError } from '../core/errors.ts';
import { registerPlan } from './commands/plan.ts';
import { registerSchema } from './commands/schema.ts';
import { UsageError } from './io.ts';
import { registerExtensions } from './registry.ts';

/** Errors of adapters' input (price files, synthetic parameters) that mean bad input: exit 1. */
const BAD_INPUT = new Set([
  'PriceDataError',
  'PriceWindowError',
  'SyntheticParamError',
  'CorrelationError',
  'QuoteError',
  'JournalInputError',
  'JournalNotFoundError',
  'JournalLockedError',
  'JournalCorruptError',
  'JournalError',
  'ChainConfigError',
  'OracleGuardError',
]);

/** Exit codes: 0 ok, 1 bad input (config, balances, prices, data), 2 bad usage (flags). */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('ballast')
    .description('Keeps crypto portfolios at their target allocation, automatically and cost-consciously.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerPlan(program);
  registerSchema(program);
  await registerExtensions(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? 0
        : 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`ballast: ${e.message}\n`);
      return 2;
    }
    if (e instanceof InputError || (e instanceof Error && BAD_INPUT.has(e.name))) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    if (e instanceof Error && 'exitCode' in e && typeof e.exitCode === 'number') {
      process.stderr.write(`ballast: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv);
