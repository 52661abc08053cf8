#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerPlan } from './commands/plan.ts';
import { registerSchema } from './commands/schema.ts';
import { registerExtensions } from './registry.ts';
import { reportError, takeDebugFlag } from './report-error.ts';

/**
 * Exit codes: 0 ok, 1 bad input or someone must act, 2 bad usage (flags), 75 try again (see
 * report-error.ts: read from the error's `next` step).
 */
export async function main(args: string[]): Promise<number> {
  const { argv, debug } = takeDebugFlag(args, process.env);
  const program = new Command('ballast')
    .description('Keeps crypto portfolios at their target allocation, automatically and cost-consciously.')
    .exitOverride()
    .option('--debug', 'print the stack of an error (anywhere on the command line)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerPlan(program);
  registerSchema(program);
  await registerExtensions(program, argv);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help'
        ? 0
        : 2;
    }
    const r = reportError(e, debug);
    process.stderr.write(r.text);
    return r.code;
  }
}

process.exitCode = await main(process.argv);
