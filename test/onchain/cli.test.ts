/**
 * `ballast dex rebalance` end to end on anvil (issue #8 §5): deploy an executor with --deploy-executor, a dry
 * run (nothing sent, balances unchanged), then --execute (approvals + one batch, journaled) reaching the target.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { stringify } from 'yaml';
import { dexRebalance } from '../../src/cli/commands/dex-rebalance.ts';
import { Journal } from '../../src/store/journal.ts';
import { balances, startWorld, type World } from './setup.ts';

/** anvil's dev key #2 (public): the portfolio's owner, funded with modest balances. */
const KEY2 = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a' as const;
const owner = privateKeyToAccount(KEY2).address;
let w: World;
let dir: string;
const out: string[] = [];

before(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'ballast-rebalance-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
  await w.tx.call(w.tokens.get('WETH')!.address, transfer, 'transfer', [owner, 10n * 10n ** 18n], 'fund WETH');
  await w.tx.call(w.tokens.get('USDC')!.address, transfer, 'transfer', [owner, 10_000n * 10n ** 6n], 'fund USDC');
});

after(async () => {
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config(executor?: string): string {
  const syms = ['WETH', 'USDC', 'WBTC', 'LINK'];
  const doc = {
    quote: 'USDC',
    target: { WETH: 0.25, USDC: 0.25, WBTC: 0.25, LINK: 0.25 },
    chain: {
      tokens: Object.fromEntries(syms.map((s) => [s, w.tokens.get(s)!.address])),
      feeds: Object.fromEntries(syms.map((s) => [s, w.feeds[s]])),
      ...(executor ? { executor } : {}),
      owner,
      maxSlippageBps: 100, // a follow-up trade through the 0.3–1 % LINK pools costs ~70 bps
      maxDeviationBps: 150,
    },
  };
  const path = join(dir, 'portfolio.yaml');
  writeFileSync(path, stringify(doc));
  return path;
}

test('deploy, dry run, execute: one batch brings the weights to the target; the key is never printed', async () => {
  const base = { rpc: w.node.rpcUrl, chainFile: join(dir, 'chain.json'), write: (s: string) => void out.push(s) };
  const env = { BALLAST_PRIVATE_KEY: KEY2 };
  const dep = await dexRebalance({ ...base, config: config(), deployExecutor: true, env });
  assert.ok(dep.executor);
  const cfg = config(dep.executor);
  const toks = [...w.tokens.values()].map((t) => t.address);
  const before0 = await balances(w.clients.public, owner, toks);
  const dry = await dexRebalance({ ...base, config: cfg, env: {} });
  assert.match(dry.text, /dry run: nothing sent/);
  // Every amount, a hub token's included, is an exact decimal with its symbol (issue #17 item 3).
  const legLines = dry.text.split('\n').filter((l) => /^ {2}(leg \d+:|pull) /.test(l));
  assert.ok(legLines.length > 1, dry.text);
  for (const l of legLines) {
    assert.doesNotMatch(l, /base units of|e[+-]\d/, l);
    assert.match(
      l,
      /^ {2}(leg \d+: \d+(\.\d+)? [A-Z]+ → \d+(\.\d+)? [A-Z]+ simulated|pull \d+(\.\d+)? [A-Z]+ from)/,
      l,
    );
  }
  assert.deepEqual(await balances(w.clients.public, owner, toks), before0, 'a dry run changes nothing');
  const journalPath = join(dir, 'journal.db');
  // The core's decision holds here too (issue #13): a paused portfolio's --execute is refused, nothing sent.
  const pj = Journal.open(journalPath);
  pj.meta.set('paused:onchain', 'operator hold', Date.now());
  pj.close();
  await assert.rejects(
    dexRebalance({ ...base, config: cfg, execute: true, env, journal: journalPath }),
    /portfolio onchain: not sent: paused: operator hold/,
  );
  assert.deepEqual(await balances(w.clients.public, owner, toks), before0, 'refused: nothing sent');
  const uj = Journal.open(journalPath);
  uj.db.prepare("DELETE FROM meta WHERE key = 'paused:onchain'").run();
  uj.close();
  const run = await dexRebalance({ ...base, config: cfg, execute: true, env, journal: journalPath });
  assert.ok(run.txHash);
  for (const [s, v] of Object.entries(run.prepared!.weightsAfter))
    assert.ok(Math.abs(v - 0.25) < 0.01, `${s} after ${v}`);
  const again = await dexRebalance({ ...base, config: cfg, env: {} });
  for (const [s, v] of Object.entries(again.prepared!.weightsBefore))
    assert.ok(Math.abs(v - 0.25) < 0.01, `${s} on chain ${v}`);
  const j = Journal.open(journalPath);
  const txs = j.chainTxs.unfinished('onchain');
  j.close();
  assert.deepEqual(txs, [], 'every journaled transaction has its receipt');
  const all = out.join('');
  assert.ok(!all.includes(KEY2.slice(2)), 'the key never appears in the output');
  console.log(run.text.replace(/^/gm, '# '));
});
