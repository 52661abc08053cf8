import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../io.ts';
import { parseSolveFlags, type SolveFlags } from './solve.ts';

const flags = (f: Partial<SolveFlags>): SolveFlags => ({ intervalMs: '1000', ...f });
const usage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);

test('ballast solve: the order book is required, one way; each refusal says which', () => {
  assert.throws(
    () => parseSolveFlags(flags({})),
    usage(/^--book: give --book URL .* or --serve-book PORT \(start one\)$/),
  );
  assert.throws(
    () => parseSolveFlags(flags({ book: 'http://127.0.0.1:8547', serveBook: '8547' })),
    usage(/^--book: give either .* not both$/),
  );
  assert.equal(parseSolveFlags(flags({ book: 'http://127.0.0.1:8547' })).url, 'http://127.0.0.1:8547');
  assert.equal(parseSolveFlags(flags({ serveBook: '8547' })).port, 8547);
});
