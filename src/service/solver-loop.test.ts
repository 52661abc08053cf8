/** Solver mode's start-up refusals that need no chain (the on-chain ones: test/onchain/intents-serve.test.ts). */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../core/errors.ts';
import { solverSchema } from './config/solver-schema.ts';
import { prepareSolver } from './solver-loop.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-solver-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const A = '0x0000000000000000000000000000000000000001';
const KEY = `0x${'22'.repeat(32)}`;

function refusal(e: unknown, pattern: RegExp): boolean {
  assert.ok(e instanceof InputError, String(e));
  assert.equal(e.message.split('\n').length, 1);
  assert.match(e.message, pattern);
  assert.ok(!e.message.includes(KEY.slice(2)), 'no key in the message');
  return true;
}

test('a chain that does not answer, a chain file that is not chain up’s: one line naming solver.chainFile', async () => {
  const down = join(dir, 'down.json');
  writeFileSync(
    down,
    JSON.stringify({
      chainId: 1337,
      rpcUrl: 'http://127.0.0.1:1',
      pools: [],
      contracts: { gpv2Settlement: A, gpv2Authenticator: A },
    }),
  );
  const notChain = join(dir, 'other.json');
  writeFileSync(notChain, JSON.stringify({ hello: 1 }));
  const cfg = (chainFile: string) =>
    solverSchema.parse({ chainFile, book: 'http://127.0.0.1:1', keyEnv: 'SOLVER_KEY' });
  const env = { SOLVER_KEY: KEY };
  await assert.rejects(prepareSolver(cfg(down), { now: () => 0, env }), (e) =>
    refusal(e, /^service: solver\.chainFile: the chain at http:\/\/127\.0\.0\.1:1 did not answer/),
  );
  await assert.rejects(prepareSolver(cfg(notChain), { now: () => 0, env }), (e) =>
    refusal(e, /^service: solver\.chainFile: .* has no pools or GPv2 settlement/),
  );
  await assert.rejects(prepareSolver(cfg(down), { now: () => 0, env: {} }), (e) =>
    refusal(e, /^service: solver\.keyEnv: environment variable SOLVER_KEY is not set/),
  );
  const open = join(dir, 'open.key');
  writeFileSync(open, KEY);
  chmodSync(open, 0o644);
  await assert.rejects(
    prepareSolver(solverSchema.parse({ chainFile: down, book: 'http://127.0.0.1:1', keyFile: open }), { now: () => 0 }),
    (e) => refusal(e, /^service: solver\.keyFile: .* chmod 600/),
  );
});
