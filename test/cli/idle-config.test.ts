/**
 * `dex rebalance` refuses a bad `chain.idle` section (issue #22) before the node is asked anything: one line naming
 * the field, exit 1, no stack trace.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { ballast } from '../support/cli.ts';

const A = `0x${'11'.repeat(20)}`;
const dir = mkdtempSync(join(tmpdir(), 'ballast-idle-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function config(idle: unknown, extra: Record<string, unknown> = {}): string {
  const doc = {
    quote: 'USDC',
    target: { WETH: 0.5, USDC: 0.5 },
    chain: {
      tokens: { WETH: A, USDC: A },
      feeds: {
        WETH: { address: A, heartbeatSec: 3600, marginSec: 60 },
        USDC: { address: A, heartbeatSec: 86400, marginSec: 600 },
      },
      maxSlippageBps: 50,
      maxDeviationBps: 150,
      idle,
      ...extra,
    },
  };
  const path = join(dir, `p-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}

for (const [what, idle, field] of [
  ['a share above 1', { pool: 'fixture', assets: { USDC: { share: 1.5 } } }, /chain\.idle\.assets\.USDC\.share/],
  [
    'a negative buffer',
    { pool: 'fixture', assets: { USDC: { share: 0.5, buffer: '-3' } } },
    /chain\.idle\.assets\.USDC\.buffer/,
  ],
  [
    'an unknown field',
    { pool: 'fixture', assets: { USDC: { share: 0.5, sahre: 1 } } },
    /chain\.idle\.assets\.USDC.*sahre/,
  ],
  ['a pool that is no address', { pool: 'aave', assets: { USDC: { share: 0.5 } } }, /chain\.idle\.pool/],
  [
    'an asset outside the portfolio',
    { pool: 'fixture', assets: { WBTC: { share: 0.5 } } },
    /chain\.idle\.assets\.WBTC: not an asset of the portfolio/,
  ],
] as const) {
  test(`chain.idle with ${what}: one line naming the field, exit 1`, async () => {
    const r = await ballast('dex', 'rebalance', '--rpc', 'http://127.0.0.1:1', '--config', config(idle));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, field);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test('dex rebalance refuses a chain.lending section (a position with debt is `lever rebalance`): one line, exit 1', async () => {
  const lending = { pool: 'fixture', leverage: A, collateral: 'WETH', debt: 'USDC', minHealthFactor: 1.5 };
  const r = await ballast(
    'dex',
    'rebalance',
    '--rpc',
    'http://127.0.0.1:1',
    '--config',
    config(undefined, { lending }),
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /chain\.lending: dex rebalance does not rebalance a position with debt: use `ballast lever rebalance`/,
  );
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});
