/**
 * Resolution races and stuck or refused transactions on a real anvil (issue #30 items 1 and 6): the receipt
 * race of resume(), a node's refusal (journaled `rejected`, its nonce reused), the fee cap, a same-nonce
 * replacement with bumped fees after the configured wait, and a dropped transaction past its deadline that is
 * never re-broadcast. Reads go through a recording JSON-RPC proxy that can lie or refuse.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createPublicClient, encodeFunctionData, type Hex, http, keccak256, type PublicClient, parseAbi } from 'viem';
import { stringify } from 'yaml';
import { FeeCapError } from '../../src/chain/executor/fees.ts';
import { resolveUnfinished, UnresolvedChainTxError } from '../../src/chain/executor/resolve.ts';
import { ChainSendError, type Sender, sendTx } from '../../src/chain/executor/send.ts';
import { dexRebalance } from '../../src/cli/commands/dex-rebalance.ts';
import { sqliteStore } from '../../src/store/ports.ts';
import { journalWithPortfolio } from '../../src/store/testing/fixtures.ts';
import { type RpcProxy, startRpcProxy } from '../support/rpc-proxy.ts';
import { KEY0, startWorld, type World } from './setup.ts';

const approveAbi = parseAbi(['function approve(address spender, uint256 amount) returns (bool)']);
let w: World;
let proxy: RpcProxy;
let client: PublicClient;

before(async () => {
  w = await startWorld();
  proxy = await startRpcProxy(w.node.rpcUrl);
  client = createPublicClient({ transport: http(proxy.url, { retryCount: 0 }) }) as PublicClient;
});

after(async () => {
  await proxy?.close();
  await w?.node.stop();
});

const rpc = (method: string, params: unknown[] = []) => w.clients.public.request({ method, params } as never);

function sender(extra: Partial<Sender> = {}) {
  const j = journalWithPortfolio();
  j.cycles.start('main', Date.now());
  const s: Sender = {
    client,
    account: w.account,
    chainId: w.fx.chainId,
    journal: sqliteStore(j).chainTxs,
    portfolioId: 'main',
    cycle: 1,
    receiptTimeoutMs: 20_000,
    ...extra,
  };
  return { j, s };
}

const approval = (amount: bigint, leg = 1) => ({
  to: w.tokens.get('USDC')!.address,
  data: encodeFunctionData({ abi: approveAbi, functionName: 'approve', args: [w.executor, amount] }),
  leg,
  calls: { approve: 'USDC', amount: amount.toString() },
});

const nonceNow = () => w.clients.public.getTransactionCount({ address: w.account.address, blockTag: 'pending' });

test('the resume race: receipt empty, then mined, then the nonce seen used → the receipt is read again: filled, not not_placed', async () => {
  const { j, s } = sender();
  const nonce = await nonceNow();
  const raw = await w.account.signTransaction({
    type: 'eip1559',
    chainId: w.fx.chainId,
    to: w.tokens.get('USDC')!.address,
    data: approval(3n).data,
    nonce,
    gas: 100_000n,
    ...(await w.clients.public.estimateFeesPerGas()),
  });
  const hash = keccak256(raw);
  const t = j.chainTxs.commitTx({
    portfolioId: 'main',
    cycle: 1,
    leg: 1,
    child: 0,
    venue: 'evm',
    chainId: w.fx.chainId,
    from: w.account.address,
    to: w.tokens.get('USDC')!.address,
    nonce,
    txHash: hash,
    rawTx: raw,
    at: Date.now(),
  });
  j.chainTxs.markSent(t.clientOrderId, Date.now());
  // The process died after the node took it; the node mines it while the lookups run: the first receipt
  // and transaction lookups answer "not yet", the nonce read then sees it used.
  await w.clients.public.request({ method: 'eth_sendRawTransaction', params: [raw] });
  let misses = 0;
  proxy.hook = (r) => {
    if ((r.method === 'eth_getTransactionReceipt' || r.method === 'eth_getTransactionByHash') && misses < 2) {
      misses++;
      return { result: null };
    }
    return undefined;
  };
  const { settled, pending } = await resolveUnfinished(s);
  proxy.hook = () => undefined;
  assert.deepEqual(pending, []);
  assert.deepEqual(
    settled.map((x) => [x.txHash, x.state]),
    [[hash, 'filled']],
    'mined: filled (before the fix: not_placed)',
  );
});

test('a refused broadcast is journaled rejected and its nonce is reused by the next transaction', async () => {
  const { j, s } = sender({ sendRpcUrl: proxy.url });
  const nonce = await nonceNow();
  proxy.hook = (r) =>
    r.method === 'eth_sendRawTransaction'
      ? { error: { code: -32000, message: 'insufficient funds for gas' } }
      : undefined;
  await assert.rejects(sendTx(s, approval(5n)), (e: unknown) => {
    assert.ok(e instanceof ChainSendError);
    assert.match(e.message, /refused: the node refused it \(-32000: insufficient funds for gas\); journaled rejected/);
    return true;
  });
  proxy.hook = () => undefined;
  const [refused] = j.db.prepare("SELECT client_order_id AS cid FROM order_intents WHERE state = 'rejected'").all() as {
    cid: string;
  }[];
  assert.ok(refused);
  assert.equal(j.chainTxs.get(refused.cid).nonce, nonce);
  assert.deepEqual(j.chainTxs.unfinished(), []);
  const next = await sendTx(s, approval(6n, 2));
  assert.equal(next.intent.nonce, nonce, 'the refused nonce is reused: no gap');
  assert.equal(next.intent.state, 'filled');
});

test('fee cap: above it nothing is signed or journaled (FeeCapError); under it the max fee is held at the cap', async () => {
  const { j, s } = sender({ maxFeePerGas: 1n });
  await assert.rejects(sendTx(s, approval(7n)), (e: unknown) => {
    assert.ok(e instanceof FeeCapError);
    assert.match(
      e.message,
      /fees are above the cap: base fee [\d.]+ gwei \+ tip [\d.]+ gwei > --max-fee-gwei 0\.000000001 gwei; nothing sent/,
    );
    return true;
  });
  assert.equal((j.db.prepare('SELECT COUNT(*) AS n FROM chain_txs').get() as { n: number }).n, 0);
  const base = (await w.clients.public.getBlock()).baseFeePerGas!;
  const cap = base * 3n + 2n * 10n ** 9n;
  const { s: s2 } = sender({ maxFeePerGas: cap });
  const ok = await sendTx(s2, approval(8n));
  assert.ok(ok.intent.maxFeePerGas! <= cap, `${ok.intent.maxFeePerGas} ≤ ${cap}`);
});

test('stuck: still pending after --replace-after → replaced with the same nonce and fees ≥ +10%; the mined one settles the other', async () => {
  const { j, s } = sender({ replaceAfterMs: 300 });
  await rpc('evm_setAutomine', [false]);
  try {
    const nonce = await nonceNow();
    const pending = sendTx(s, approval(9n));
    // wait until the replacement is out (two broadcasts of this nonce), then mine one block
    for (let i = 0; i < 400; i++) {
      const n = (j.db.prepare('SELECT COUNT(*) AS n FROM chain_txs WHERE nonce = ?').get(nonce) as { n: number }).n;
      if (n >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await rpc('evm_mine');
    const sent = await pending;
    const rows = j.db
      .prepare(
        'SELECT i.child AS child, i.state AS state, c.max_fee_per_gas AS fee FROM order_intents i JOIN chain_txs c ON c.intent_id = i.id WHERE c.nonce = ? ORDER BY i.child',
      )
      .all(nonce) as { child: number; state: string; fee: string }[];
    assert.ok(rows.length >= 2, JSON.stringify(rows));
    assert.equal(sent.intent.nonce, nonce);
    assert.equal(rows.filter((r) => r.state === 'filled').length, 1, 'one of them mined');
    assert.ok(
      rows.every((r) => r.state === 'filled' || r.state === 'canceled'),
      JSON.stringify(rows),
    );
    for (let i = 1; i < rows.length; i++)
      assert.ok(BigInt(rows[i]!.fee) * 10n >= BigInt(rows[i - 1]!.fee) * 11n, 'each replacement bumps ≥ 10%');
    assert.equal(await nonceNow(), nonce + 1, 'one transaction for the nonce');
  } finally {
    await rpc('evm_setAutomine', [true]);
  }
});

test('dropped past its deadline: never re-broadcast, settled; its nonce is reused', async () => {
  const { j, s } = sender({ sendRpcUrl: proxy.url });
  await rpc('evm_setAutomine', [false]);
  let hash: Hex | undefined;
  const nonce = await nonceNow();
  const block = await w.clients.public.getBlock();
  const req = { ...approval(10n), calls: { deadline: (block.timestamp + 60n).toString() } };
  try {
    await assert.rejects(sendTx({ ...s, receiptTimeoutMs: 300 }, req), /no receipt for/);
    hash = j.chainTxs.unfinished()[0]!.txHash as Hex;
    await rpc('anvil_dropTransaction', [hash]);
  } finally {
    await rpc('evm_setAutomine', [true]);
  }
  await rpc('evm_increaseTime', [120]);
  await rpc('evm_mine');
  const before = proxy.seen.filter((r) => r.method === 'eth_sendRawTransaction').length;
  const { settled, pending } = await resolveUnfinished(s);
  assert.deepEqual(pending, []);
  assert.deepEqual(
    settled.map((x) => [x.txHash, x.state]),
    [[hash, 'canceled']],
  );
  assert.match(
    j.chainTxs.events(settled[0]!.clientOrderId).at(-1)!.reason ?? '',
    /past its deadline .*not re-broadcast/,
  );
  assert.equal(proxy.seen.filter((r) => r.method === 'eth_sendRawTransaction').length, before, 'not re-broadcast');
  const next = await sendTx(s, approval(11n, 2));
  assert.equal(next.intent.nonce, nonce, 'the dropped nonce is reused');
});

test('stuck across runs: a later run finds it pending past --replace-after and replaces it (same nonce, fees ≥ +10%)', async () => {
  const { j, s } = sender();
  await rpc('evm_setAutomine', [false]);
  let nonce = -1;
  try {
    nonce = await nonceNow();
    await assert.rejects(sendTx({ ...s, receiptTimeoutMs: 300 }, approval(12n)), /no receipt for/);
    const stuck = j.chainTxs.unfinished();
    assert.equal(stuck.length, 1);
    // the next run, with --replace-after 0: the replacement goes out, then a block is mined
    const resolving = resolveUnfinished({ ...s, replaceAfterMs: 0 });
    for (let i = 0; i < 400; i++) {
      const n = (j.db.prepare('SELECT COUNT(*) AS n FROM chain_txs WHERE nonce = ?').get(nonce) as { n: number }).n;
      if (n >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await rpc('evm_mine');
    const { settled, pending } = await resolving;
    assert.deepEqual(pending, []);
    // With --replace-after 0 the wait may replace more than once before the block: one child is mined (a
    // replacement, child ≥ 1), the original and any other are canceled.
    const filled = settled.filter((t) => t.state === 'filled');
    assert.equal(filled.length, 1);
    assert.ok(filled[0]!.child >= 1, 'a replacement was mined');
    assert.ok(settled.every((t) => t === filled[0] || t.state === 'canceled'));
    const original = settled.find((t) => t.child === 0)!;
    assert.equal(original.state, 'canceled');
    assert.ok(filled[0]!.maxFeePerGas! * 10n >= original.maxFeePerGas! * 11n, 'fees bumped ≥ 10%');
  } finally {
    await rpc('evm_setAutomine', [true]);
  }
  assert.equal(await nonceNow(), nonce + 1, 'one transaction for the nonce');
});

test('--deploy-executor resolves the journal first: a pending transaction of the account refuses the deployment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-deploy-'));
  const jp = join(dir, 'journal.db');
  const j = journalWithPortfolio(jp, 'onchain');
  j.cycles.start('onchain', Date.now());
  const s: Sender = {
    client,
    account: w.account,
    chainId: w.fx.chainId,
    journal: sqliteStore(j).chainTxs,
    portfolioId: 'onchain',
    cycle: 1,
  };
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  const config = join(dir, 'portfolio.yaml');
  const syms = ['WETH', 'USDC'];
  writeFileSync(
    config,
    stringify({
      quote: 'USDC',
      target: { WETH: 0.5, USDC: 0.5 },
      chain: {
        tokens: Object.fromEntries(syms.map((x) => [x, w.tokens.get(x)!.address])),
        feeds: Object.fromEntries(syms.map((x) => [x, w.feeds[x]])),
        maxSlippageBps: 50,
        maxDeviationBps: 150,
      },
    }),
  );
  await rpc('evm_setAutomine', [false]);
  try {
    await assert.rejects(sendTx({ ...s, receiptTimeoutMs: 300 }, approval(13n)), /no receipt for/);
    j.close();
    const nonce = await nonceNow();
    await assert.rejects(
      dexRebalance({
        rpc: w.node.rpcUrl,
        chainFile: join(dir, 'chain.json'),
        config,
        deployExecutor: true,
        journal: jp,
        env: { BALLAST_PRIVATE_KEY: KEY0 },
        write: () => {},
      }),
      UnresolvedChainTxError,
    );
    assert.equal(await nonceNow(), nonce, 'nothing deployed while a transaction of the account is pending');
  } finally {
    await rpc('evm_setAutomine', [true]);
    await rpc('evm_mine');
    rmSync(dir, { recursive: true, force: true });
  }
});
