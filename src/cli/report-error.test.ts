import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BallastError, InputError, NEXT_STEPS, type Next } from '../core/errors.ts';
import { UsageError } from './io.ts';
import { reportError, takeDebugFlag } from './report-error.ts';

test('exit codes come from the next step (issue #15 item 3)', () => {
  const want: Record<Next, number> = {
    'fix-input': 1,
    'fix-usage': 2,
    retry: 75,
    lookup: 75,
    'next-cycle': 75,
    stop: 1,
  };
  for (const next of NEXT_STEPS)
    assert.equal(reportError(new BallastError('m', { next }), false).code, want[next], next);
  // Not from a class name: a plain Error called UsageError is unexpected.
  const named = new Error('x');
  named.name = 'UsageError';
  assert.equal(reportError(named, false).code, 1);
  assert.match(reportError(named, false).text, /unexpected error/);
});

test('a known error prints its lines; a usage error is prefixed; no stack without --debug', () => {
  const input = new InputError('p.yaml', [
    { path: 'target', message: 'weights sum to 0.95, expected 1' },
    { path: 'quote', message: 'required' },
  ]);
  assert.equal(
    reportError(input, false).text,
    'p.yaml: target: weights sum to 0.95, expected 1\np.yaml: quote: required\n',
  );
  assert.equal(reportError(new UsageError('--mode: expected full'), false).text, 'ballast: --mode: expected full\n');
  const dbg = reportError(new UsageError('--mode: expected full'), true).text.split('\n');
  assert.equal(dbg[0], 'ballast: --mode: expected full');
  assert.match(dbg[1]!, /^\s+at /, 'then the stack frames');
});

test('an unexpected error is one line saying how to see the stack; --debug prints the stack', () => {
  const e = new TypeError("Cannot read properties of undefined (reading 'x')\nsecond line");
  const r = reportError(e, false);
  assert.equal(r.code, 1);
  assert.equal(
    r.text,
    "ballast: unexpected error: TypeError: Cannot read properties of undefined (reading 'x') (run with --debug for the stack)\n",
  );
  const d = reportError(e, true);
  assert.match(d.text, /^ballast: unexpected error: TypeError: .*\nTypeError: Cannot read/);
  assert.match(d.text, /\n\s+at /);
  assert.equal(
    reportError('a string', false).text,
    'ballast: unexpected error: a string (run with --debug for the stack)\n',
  );
});

test('--debug is taken anywhere before --, or from BALLAST_DEBUG=1', () => {
  assert.deepEqual(takeDebugFlag(['node', 'b', 'plan', '--debug', '--example'], {}), {
    argv: ['node', 'b', 'plan', '--example'],
    debug: true,
  });
  assert.deepEqual(takeDebugFlag(['node', 'b', 'plan'], { BALLAST_DEBUG: '1' }).debug, true);
  assert.deepEqual(takeDebugFlag(['node', 'b', 'x', '--', '--debug'], {}), {
    argv: ['node', 'b', 'x', '--', '--debug'],
    debug: false,
  });
});
