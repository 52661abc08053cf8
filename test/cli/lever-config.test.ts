/**
 * `ballast lever rebalance` refuses a bad `chain.lending` value before asking any node: exit 1, one line naming
 * the file and field, no stack trace (issue #23 item 1). The RPC is a closed port: it is never reached.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { ballast } from '../support/cli.ts';

const A = `0x${'11'.repeat(20)}`;
const feed = { address: A, heartbeatSec: 3600, marginSec: 60 };
const lending = { pool: 'fixture', leverage: A, collateral: 'WETH', debt: 'USDC', minHealthFactor: 1.5 };
const dir = mkdtempSync(join(tmpdir(), 'ballast-lever-cfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(
  l: Record<string, unknown> | undefined,
  extra: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
): string {
  const path = join(dir, `p${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    path,
    stringify({
      quote: 'USDC',
      target: { WETH: 0.5, USDC: 0.5 },
      ...top,
      chain: {
        tokens: { WETH: A, USDC: A },
        feeds: { WETH: feed, USDC: feed },
        maxSlippageBps: 50,
        maxDeviationBps: 150,
        ...(l === undefined ? {} : { lending: l }),
        ...extra,
      },
    }),
  );
  return path;
}

const cases: [
  string,
  Record<string, unknown> | undefined,
  RegExp,
  Record<string, unknown>?,
  Record<string, unknown>?,
][] = [
  ['a floor at 1', { ...lending, minHealthFactor: 1 }, /chain\.lending\.minHealthFactor: must be > 1/],
  ['a target LTV of 1', { ...lending, targetLtv: 1 }, /chain\.lending\.targetLtv: must be < 1/],
  ['an unknown field', { ...lending, lender: 'aave' }, /chain\.lending: .*lender/],
  ['a bad contract address', { ...lending, leverage: 'x' }, /chain\.lending\.leverage: must be a 0x address/],
  ['a collateral not in chain.tokens', { ...lending, collateral: 'WBTC' }, /chain\.lending\.collateral: WBTC/],
  ['no lending section', undefined, /chain\.lending: missing/],
  // dex rebalance's fields this command cannot honour are refused, not ignored
  [
    'an idle sleeve',
    lending,
    /chain\.idle: lever rebalance does not move an idle sleeve/,
    {
      idle: { pool: 'fixture', assets: { WETH: { share: 0.5 } } },
    },
  ],
  [
    'a portfolio trigger',
    lending,
    /: trigger: lever rebalance decides by chain\.lending/,
    undefined,
    { trigger: { type: 'band', band: 0.05 } },
  ],
  ['Permit2 approvals', lending, /chain\.approvals: lever rebalance .* no Permit2/, { approvals: 'permit2' }],
];

for (const [name, l, re, extra, top] of cases) {
  test(`lever rebalance refuses ${name}: exit 1, one line naming the field`, async () => {
    const r = await ballast('lever', 'rebalance', '--rpc', 'http://127.0.0.1:9', '--config', file(l, extra, top));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, 'no stack trace');
  });
}

test('lever rebalance: a bad --lender is a usage error (exit 2)', async () => {
  const r = await ballast(
    'lever',
    'rebalance',
    '--rpc',
    'http://127.0.0.1:9',
    '--config',
    file(lending),
    '--lender',
    'bank',
  );
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--lender: "bank" is not one of auto, balancer, aave, uniswap-v3/);
});
