/**
 * Private sending (issue #30 item 5): with --send-rpc, the read RPC (a recording proxy here) never sees the
 * calldata of the batch or of its approvals: no eth_call to the executor or approve() call, no eth_estimateGas,
 * no eth_simulateV1, no eth_sendRawTransaction. The simulations run on a local anvil fork of the read RPC; the
 * approvals and the batch go out through the private endpoint only.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Hex, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { stringify } from 'yaml';
import { dexRebalance } from '../../src/cli/commands/dex-rebalance.ts';
import { type RpcProxy, startRpcProxy } from '../support/rpc-proxy.ts';
import { startWorld, type World } from './setup.ts';

/** anvil's dev key #5 (public): this suite's portfolio owner. */
const KEY5 = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba' as const;
const owner = privateKeyToAccount(KEY5).address;
const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);

let w: World;
let read: RpcProxy;
let priv: RpcProxy;
let dir: string;

before(async () => {
  w = await startWorld();
  read = await startRpcProxy(w.node.rpcUrl);
  priv = await startRpcProxy(w.node.rpcUrl);
  dir = mkdtempSync(join(tmpdir(), 'ballast-private-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  await w.tx.call(w.tokens.get('WETH')!.address, transfer, 'transfer', [owner, 8n * 10n ** 18n], 'fund WETH');
  await w.tx.call(w.tokens.get('USDC')!.address, transfer, 'transfer', [owner, 8_000n * 10n ** 6n], 'fund USDC');
});

after(async () => {
  await read?.close();
  await priv?.close();
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('--send-rpc: the read RPC never sees the batch or its approvals; they are simulated on a local fork and sent privately', async () => {
  const syms = ['WETH', 'USDC', 'WBTC', 'LINK'];
  const cfg = join(dir, 'portfolio.yaml');
  const doc = (executor?: string) =>
    stringify({
      quote: 'USDC',
      target: { WETH: 0.25, USDC: 0.25, WBTC: 0.25, LINK: 0.25 },
      chain: {
        tokens: Object.fromEntries(syms.map((s) => [s, w.tokens.get(s)!.address])),
        feeds: Object.fromEntries(syms.map((s) => [s, w.feeds[s]])),
        ...(executor ? { executor } : {}),
        owner,
        maxSlippageBps: 50,
        maxDeviationBps: 150,
      },
    });
  const base = { chainFile: join(dir, 'chain.json'), env: { BALLAST_PRIVATE_KEY: KEY5 }, write: () => {} };
  writeFileSync(cfg, doc());
  const dep = await dexRebalance({ ...base, rpc: w.node.rpcUrl, config: cfg, deployExecutor: true });
  const executor = dep.executor!.toLowerCase();
  writeFileSync(cfg, doc(dep.executor));
  read.seen.length = 0;
  const run = await dexRebalance({
    ...base,
    rpc: read.url,
    sendRpc: priv.url,
    config: cfg,
    execute: true,
    journal: join(dir, 'journal.db'),
  });
  assert.ok(run.txHash);
  const batchTx = await w.clients.public.getTransaction({ hash: run.txHash });
  const approvals = priv.seen.filter((r) => r.method === 'eth_sendRawTransaction').length - 1;
  assert.ok(approvals >= 1, 'the approvals went through the private endpoint too');
  const secret = batchTx.input.slice(10).toLowerCase(); // the batch's arguments
  const seen = read.seen.map((r) => JSON.stringify(r.params).toLowerCase());
  assert.ok(!seen.some((p) => p.includes(secret)), 'the batch calldata never reached the read RPC');
  const methods = new Set(read.seen.map((r) => r.method));
  for (const m of ['eth_estimateGas', 'eth_simulateV1', 'eth_sendRawTransaction'])
    assert.ok(!methods.has(m), `${m} never sent to the read RPC`);
  for (const r of read.seen.filter((x) => x.method === 'eth_call')) {
    const c = r.params[0] as { to?: string; data?: Hex; input?: Hex };
    assert.notEqual(c.to?.toLowerCase(), executor, 'no eth_call to the executor');
    assert.ok(!(c.data ?? c.input ?? '').startsWith('0x095ea7b3'), 'no approve() simulated on the read RPC');
  }
  console.log(
    `# private sending: ${read.seen.length} requests to the read RPC (${[...methods].sort().join(', ')}), none with the batch or approval calldata; ${approvals + 1} transactions via the private endpoint`,
  );
});
