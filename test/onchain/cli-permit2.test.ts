/**
 * `ballast dex rebalance` with chain.approvals "permit2" on anvil (issue #19): the owner approves Permit2 (once per
 * token), never the executor, and the batch is sent as executePermit2 with one signed permit; the weights reach
 * the target. Refused with one line: a chain file without Permit2, a dry run without the key, a bad value.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeFunctionData, maxUint256, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { stringify } from 'yaml';
import { executorArtifact } from '../../src/chain/executor/artifact.ts';
import { dexRebalance } from '../../src/cli/commands/dex-rebalance.ts';
import { erc20, startWorld, type World } from './setup.ts';

/** anvil's dev key #3 (public): the portfolio's owner, funded with modest balances. */
const KEY3 = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6' as const;
const owner = privateKeyToAccount(KEY3).address;
let w: World;
let dir: string;

before(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'ballast-permit2-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  const { permit2: _, ...noPermit2 } = w.fx.contracts;
  writeFileSync(join(dir, 'old-chain.json'), JSON.stringify({ ...w.fx, contracts: noPermit2 }));
  const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
  await w.tx.call(w.tokens.get('WETH')!.address, transfer, 'transfer', [owner, 10n * 10n ** 18n], 'fund WETH');
  await w.tx.call(w.tokens.get('USDC')!.address, transfer, 'transfer', [owner, 10_000n * 10n ** 6n], 'fund USDC');
});

after(async () => {
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function config(executor?: string, approvals: unknown = 'permit2'): string {
  const syms = ['WETH', 'USDC', 'WBTC', 'LINK'];
  const doc = {
    quote: 'USDC',
    target: { WETH: 0.25, USDC: 0.25, WBTC: 0.25, LINK: 0.25 },
    chain: {
      tokens: Object.fromEntries(syms.map((s) => [s, w.tokens.get(s)!.address])),
      feeds: Object.fromEntries(syms.map((s) => [s, w.feeds[s]])),
      ...(executor ? { executor } : {}),
      owner,
      maxSlippageBps: 100,
      maxDeviationBps: 150,
      approvals,
    },
  };
  const path = join(dir, `portfolio-${String(approvals)}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}

test('approvals "permit2": approve Permit2 only, one signed permit per batch, the weights reach the target', async () => {
  const base = { rpc: w.node.rpcUrl, chainFile: join(dir, 'chain.json'), write: () => {} };
  const env = { BALLAST_PRIVATE_KEY: KEY3 };
  const dep = await dexRebalance({ ...base, config: config(), deployExecutor: true, env });
  assert.ok(dep.executor);
  const cfg = config(dep.executor);
  const permit2 = w.fx.contracts.permit2!;
  const executorAddr = dep.executor;
  await assert.rejects(
    dexRebalance({ ...base, config: cfg, env: {} }),
    /chain.approvals "permit2" needs the key even for a dry run/,
  );
  await assert.rejects(
    dexRebalance({ ...base, chainFile: join(dir, 'old-chain.json'), config: cfg, env }),
    /the chain file names no Permit2/,
  );
  await assert.rejects(dexRebalance({ ...base, config: config(dep.executor, 'permit3'), env }), /chain\.approvals/);
  const dry = await dexRebalance({ ...base, config: cfg, env });
  assert.match(dry.text, /batch: executePermit2\(\) on executor/);
  assert.match(dry.text, /from the owner \(Permit2 signature\)/);
  const journal = join(dir, 'journal.db');
  const run = await dexRebalance({ ...base, config: cfg, execute: true, env, journal });
  assert.ok(run.txHash);
  const tx = await w.clients.public.getTransaction({ hash: run.txHash });
  assert.equal(decodeFunctionData({ abi: executorArtifact().abi, data: tx.input }).functionName, 'executePermit2');
  for (const t of run.prepared!.batch.pulls) {
    const allowance = (spender: `0x${string}`) =>
      w.clients.public.readContract({
        address: t.token,
        abi: erc20,
        functionName: 'allowance',
        args: [owner, spender],
      });
    assert.equal(await allowance(executorAddr), 0n, 'no allowance to the executor');
    assert.ok((await allowance(permit2)) > maxUint256 / 2n, 'the standing approval went to Permit2');
  }
  const again = await dexRebalance({ ...base, config: cfg, env });
  for (const [s, v] of Object.entries(again.prepared!.weightsBefore))
    assert.ok(Math.abs(v - 0.25) < 0.01, `${s} on chain ${v}`);
});
