import type { Command } from 'commander';
import { z } from 'zod';
import { portfolioSchema } from '../../core/config/schema.ts';

/** The JSON Schema of the portfolio file, generated from the same zod definition that validates it. */
export function portfolioJsonSchema(): Record<string, unknown> {
  return { title: 'Ballast portfolio', ...z.toJSONSchema(portfolioSchema, { io: 'input', unrepresentable: 'any' }) };
}

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of the portfolio file')
    .action(() => {
      process.stdout.write(`${JSON.stringify(portfolioJsonSchema(), null, 2)}\n`);
    });
}
