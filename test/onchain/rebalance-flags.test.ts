/**
 * `dex rebalance`'s issue #30 flags, validated before anything is read or sent: a bad value is one line naming
 * the flag, exit 2 (docs/onchain.md, "Crashes, stuck transactions and a lying RPC").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ballast } from '../support/cli.ts';

const base = ['dex', 'rebalance', '--rpc', 'http://127.0.0.1:1', '--config', 'nowhere.yaml'];

for (const [flag, value, why] of [
  ['--max-fee-gwei', 'ten', /--max-fee-gwei: "ten" is not a positive decimal number/],
  ['--max-fee-gwei', '0', /--max-fee-gwei: "0" is not a positive decimal number/],
  ['--max-fee-gwei', '1.0000000001', /--max-fee-gwei: "1.0000000001" has more than 9 decimals/],
  ['--replace-after', '0', /--replace-after/],
  ['--receipt-timeout', '1.5', /--receipt-timeout/],
  ['--verify-tolerance-bps', '5', /--verify-tolerance-bps: only with --verify-rpc/],
] as const) {
  test(`${flag} ${value}: one line naming the flag, exit 2`, async () => {
    const r = await ballast(...base, flag, value);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, why);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
}
