import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feeBps, httpUrl, nonNegative, positive, whole } from './flags.ts';
import { UsageError } from './io.ts';

const usage = (f: () => unknown, re: RegExp) =>
  assert.throws(f, (e: Error) => {
    assert.ok(e instanceof UsageError, e.message);
    assert.match(e.message, re);
    return true;
  });

test('numbers: the flag is named and the rule said in words (never ≥ 5e-324)', () => {
  assert.equal(positive('--capital', '1e6'), 1e6);
  usage(() => positive('--capital', '-5'), /^--capital: must be > 0, got "-5"$/);
  usage(() => positive('--capital', '0'), /must be > 0/);
  usage(() => positive('--capital', 'NaN'), /^--capital: expected a finite number, got "NaN"$/);
  usage(() => positive('--capital', '1e999'), /expected a finite number/);
  usage(() => positive('--capital', ''), /expected a finite number/);
  assert.equal(nonNegative('--fee-bps', '0'), 0);
  usage(() => nonNegative('--fee-bps', '-1'), /must be ≥ 0/);
  assert.equal(whole('--workers', '2', 1), 2);
  usage(() => whole('--workers', '0', 1), /^--workers: expected a whole number ≥ 1, got "0"$/);
  usage(() => whole('--bars', '1e12', 2, 1e6), /^--bars: expected a whole number from 2 to 1000000/);
});

test('fees: above 1,000 bps only with --allow-high-fees', () => {
  assert.equal(feeBps('--fee-bps', '1000', false), 1000);
  usage(() => feeBps('--fee-bps', '1001', false), /1001 bps is more than 1000 bps .*--allow-high-fees/);
  assert.equal(feeBps('--fee-bps', '5000', true), 5000);
});

test('URLs: only http(s)', () => {
  assert.equal(httpUrl('--rpc', 'http://127.0.0.1:8545'), 'http://127.0.0.1:8545');
  usage(() => httpUrl('--rpc', 'notaurl'), /^--rpc: "notaurl" is not an http\(s\) URL/);
  usage(() => httpUrl('--rpc', 'ws://127.0.0.1:8545'), /not an http\(s\) URL/);
});
