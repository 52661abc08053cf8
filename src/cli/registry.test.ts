/** Only the running command's module is loaded; help, an unknown command or none loads every command. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { commandOf, registerExtensions } from './registry.ts';

const names = async (...args: string[]) => {
  const p = new Command('ballast');
  await registerExtensions(p, ['node', 'main.ts', ...args]);
  return p.commands.map((c) => c.name());
};

test('the command is the first word after the program', () => {
  assert.equal(commandOf(['node', 'main.ts', 'backtest', '--prices', 'x.csv']), 'backtest');
  assert.equal(commandOf(['node', 'main.ts', '--help']), undefined);
  assert.equal(commandOf(['node', 'main.ts']), undefined);
});

test('one command loads its own module only; dex and chain share one, deposit and withdraw another', async () => {
  assert.deepEqual(await names('backtest', '--help'), ['backtest']);
  assert.deepEqual(await names('dex', 'quote'), ['chain', 'dex']);
  assert.deepEqual(await names('withdraw'), ['deposit', 'withdraw']);
  assert.deepEqual(await names('plan', '--help'), [], 'plan and schema are registered by main.ts');
});

test('help, an unknown command or none loads every command', async () => {
  const all = await names('--help');
  for (const c of ['backtest', 'sweep', 'serve', 'worker', 'deposit', 'withdraw', 'sim', 'resume', 'status'])
    assert.ok(all.includes(c), c);
  for (const c of ['chain', 'dex', 'solve', 'vol', 'vault', 'advise', 'lever']) assert.ok(all.includes(c), c);
  assert.deepEqual(await names('nosuch'), all);
  assert.deepEqual(await names(), all);
});
