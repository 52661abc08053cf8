/**
 * BallastExecutor on a real anvil (issues #8 §2–3, #19, #30): one success that moves balances exactly as
 * simulated, sent through a recording "private" endpoint and journaled; then each failure (a path below its
 * minimum, the value floor at the executor's feeds, deadline, a non-owner caller, a reverting leg, a reused
 * rebalance id) mined as a reverted transaction that leaves every balance untouched.
 * The new guarantees (callbacks, feeds, sequencer, re-entry, targets, per-path slippage, sandwiches) are in
 * executor-guards.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { type Address, createWalletClient, encodeFunctionData, type Hex, http, keccak256, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { executorArtifact } from '../../src/chain/executor/artifact.ts';
import { approvalsNeeded, encodeExecute, rebalanceId, simulateExecute } from '../../src/chain/executor/calldata.ts';
import { resume } from '../../src/chain/executor/resolve.ts';
import { ChainSendError, type Sender, sendTx } from '../../src/chain/executor/send.ts';
import { validatedPrices } from '../../src/chain/oracles/guard.ts';
import { type Batch, buildBatch, sizeTrades } from '../../src/chain/rebalance/build.ts';
import { netTrades } from '../../src/chain/rebalance/net.ts';
import { sqliteStore } from '../../src/store/ports.ts';
import { journalWithPortfolio } from '../../src/store/testing/fixtures.ts';
import { balances, erc20, KEY1, market, startWorld, type World } from './setup.ts';

const approveAbi = parseAbi(['function approve(address spender, uint256 amount) returns (bool)']);
let w: World;
let proxy: Server;
let proxyUrl: string;
const seen: string[] = [];

before(async () => {
  w = await startWorld();
  // Recording "private transaction endpoint": forwards to anvil, remembers every method it was asked.
  proxy = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const msg = JSON.parse(body) as { method: string } | { method: string }[];
      for (const m of Array.isArray(msg) ? msg : [msg]) seen.push(m.method);
      const r = await fetch(w.node.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(await r.text());
    });
  });
  await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
  const addr = proxy.address();
  proxyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

after(async () => {
  await new Promise((ok) => proxy?.close(ok));
  await w?.node.stop();
});

const TRADES = [
  { asset: 'WETH', side: 'sell' as const, notional: 30_000 },
  { asset: 'WBTC', side: 'buy' as const, notional: 12_000 },
  { asset: 'LINK', side: 'buy' as const, notional: 9_000 },
  { asset: 'UNI', side: 'buy' as const, notional: 5_000 },
];

let ids = 0;
async function batch(maxSlippageBps = 100, deadlineIn = 600n): Promise<Batch> {
  const tokens = [...w.tokens.values()];
  const prices = await validatedPrices(w.clients.public, { feeds: w.feeds, maxDeviationBps: 200 }, tokens);
  const block = await w.clients.public.getBlock();
  return buildBatch({
    sizes: sizeTrades(netTrades(TRADES, 'USDC'), w.tokens, prices, 'USDC'),
    tokens: w.tokens,
    prices,
    feeds: w.feeds,
    quote: 'USDC',
    market: await market(w),
    poolInfo: w.fx.pools,
    contracts: w.fx.contracts,
    executor: w.executor,
    owner: w.account.address,
    deadline: block.timestamp + deadlineIn,
    gasPriceWei: 1n,
    maxSlippageBps,
    id: rebalanceId('executor-test', ++ids),
  });
}

const all = (): Address[] => [...w.tokens.values()].map((t) => t.address);

async function approve(b: Batch): Promise<void> {
  for (const a of await approvalsNeeded(w.clients.public, w.account.address, w.executor, b)) {
    await w.tx.call(a.token, approveAbi, 'approve', [w.executor, a.amount], 'approve');
  }
}

/** Sends without simulating (fixed gas), so a failure is mined as a reverted transaction; returns its status. */
async function sendUnchecked(data: Hex, key?: Hex): Promise<string> {
  const account = key ? privateKeyToAccount(key) : w.account;
  const wallet = createWalletClient({ account, chain: w.clients.wallet.chain, transport: http(w.node.rpcUrl) });
  const hash = await wallet.sendTransaction({ to: w.executor, data, gas: 3_000_000n, chain: w.clients.wallet.chain });
  const r = await w.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  return r.status;
}

/** A journal with portfolio "main" in cycle 1, and a sender that journals into it. */
function mainSender(extra: Partial<Sender> = {}): { j: ReturnType<typeof journalWithPortfolio>; s: Sender } {
  const j = journalWithPortfolio();
  j.cycles.start('main', Date.now());
  const s: Sender = {
    client: w.clients.public,
    account: w.account,
    chainId: w.fx.chainId,
    journal: sqliteStore(j).chainTxs,
    portfolioId: 'main',
    cycle: 1,
    ...extra,
  };
  return { j, s };
}

test('success: every leg in one transaction, balances move exactly as simulated; private endpoint only broadcasts; journaled', async () => {
  const b = await batch();
  assert.ok(b.legs.length >= 3, `legs: ${b.legs.length}`);
  await approve(b);
  const data = encodeExecute(b);
  const sim = await simulateExecute(w.clients.public, w.account.address, w.executor, data);
  assert.ok(sim.totalValue * 10_000n >= sim.valueIn * BigInt(10_000 - b.maxSlippageBps), 'the value floor holds');
  const before = await balances(w.clients.public, w.account.address, all());
  const { j, s } = mainSender({ sendRpcUrl: proxyUrl });
  const sent = await sendTx(s, { to: w.executor, data, leg: 0, calls: { legs: b.legs.length } });
  assert.equal(sent.receipt.status, 'success');
  assert.equal(sent.intent.state, 'filled');
  assert.deepEqual(seen, ['eth_sendRawTransaction'], 'the private endpoint saw the raw transaction and nothing else');
  const afterB = await balances(w.clients.public, w.account.address, all());
  const want = new Map<string, bigint>();
  for (const p of b.pulls) want.set(p.token.toLowerCase(), -p.amount);
  b.legs.forEach((l, i) => {
    const k = l.tokenOut.toLowerCase();
    want.set(k, (want.get(k) ?? 0n) + sim.outs[i]!);
    const q = l.tokenIn.toLowerCase();
    if (!b.pulls.some((p) => p.token.toLowerCase() === q)) want.set(q, (want.get(q) ?? 0n) - l.amountIn); // hub consumed
  });
  const ts = all();
  for (let i = 0; i < ts.length; i++) {
    assert.equal(afterB[i]! - before[i]!, want.get(ts[i]!.toLowerCase()) ?? 0n, `balance of ${ts[i]}`);
  }
  const left = await balances(w.clients.public, w.executor, all());
  assert.ok(
    left.every((x) => x === 0n),
    'the executor keeps nothing',
  );
  for (const p of b.pulls) {
    const a = await w.clients.public.readContract({
      address: p.token,
      abi: erc20,
      functionName: 'allowance',
      args: [w.account.address, w.executor],
    });
    assert.equal(a, 2n ** 256n - 1n, 'the owner’s standing allowance of the executor stays');
  }
  // the rebalance id is recorded, with an event
  const logs = await w.clients.public.getContractEvents({
    address: w.executor,
    abi: executorArtifact().abi,
    eventName: 'Rebalanced',
    fromBlock: sent.receipt.blockNumber,
    toBlock: sent.receipt.blockNumber,
  });
  assert.equal((logs[0]?.args as { id?: Hex } | undefined)?.id, b.id);
  assert.equal(
    await w.clients.public.readContract({
      address: w.executor,
      abi: executorArtifact().abi,
      functionName: 'executed',
      args: [b.id],
    }),
    true,
  );
  // the same decision again (its id) is refused, nothing moves
  const again = await balances(w.clients.public, w.account.address, all());
  await assert.rejects(simulateExecute(w.clients.public, w.account.address, w.executor, data), /AlreadyExecuted/);
  assert.equal(await sendUnchecked(data), 'reverted');
  assert.deepEqual(await balances(w.clients.public, w.account.address, all()), again, 'a reused id moves nothing');
  // The journal refuses a second send of the same intent.
  assert.throws(() => j.chainTxs.markSent(sent.intent.clientOrderId, Date.now()));
});

test('ids in one bitmap word: two consecutive cycles both execute, each replay reverts AlreadyExecuted, nothing moves', async () => {
  const executed = (id: Hex) =>
    w.clients.public.readContract({
      address: w.executor,
      abi: executorArtifact().abi,
      functionName: 'executed',
      args: [id],
    });
  const b1 = await batch();
  await approve(b1);
  const d1 = encodeExecute(b1);
  assert.equal(await sendUnchecked(d1), 'success');
  const b2 = await batch();
  assert.equal(BigInt(b2.id) >> 8n, BigInt(b1.id) >> 8n, 'consecutive cycles share one word');
  assert.notEqual(b2.id, b1.id);
  assert.equal(await executed(b2.id), false, 'a neighbouring bit is not marked');
  await approve(b2);
  const d2 = encodeExecute(b2);
  assert.equal(await sendUnchecked(d2), 'success');
  assert.deepEqual([await executed(b1.id), await executed(b2.id)], [true, true]);
  const before = await balances(w.clients.public, w.account.address, all());
  for (const d of [d1, d2]) {
    await assert.rejects(simulateExecute(w.clients.public, w.account.address, w.executor, d), /AlreadyExecuted/);
    assert.equal(await sendUnchecked(d), 'reverted');
  }
  assert.deepEqual(await balances(w.clients.public, w.account.address, all()), before, 'replays move nothing');
});

async function expectUntouched(
  name: string,
  mutate: (b: Batch) => Batch,
  key: Hex | undefined,
  error: RegExp,
): Promise<void> {
  const b0 = await batch();
  await approve(b0);
  const b = mutate(b0);
  const data = encodeExecute(b);
  await assert.rejects(
    simulateExecute(w.clients.public, key ? privateKeyToAccount(key).address : w.account.address, w.executor, data),
    error,
    `${name}: the simulation refuses it`,
  );
  const before = await balances(w.clients.public, w.account.address, all());
  assert.equal(await sendUnchecked(data, key), 'reverted', `${name}: mined as reverted`);
  assert.deepEqual(await balances(w.clients.public, w.account.address, all()), before, `${name}: balances untouched`);
}

test('slippage: a path below its minimum output reverts everything', async () => {
  await expectUntouched(
    'path slippage',
    (b) => ({ ...b, legs: b.legs.map((l, i) => (i === b.legs.length - 1 ? { ...l, minOut: l.minOut * 2n } : l)) }),
    undefined,
    /StepOutputTooLow/,
  );
});

test('value floor: what comes back worth less than (1 − maxSlippageBps) × what was pulled at the feeds reverts everything', async () => {
  // with no slippage allowed, the pools' fees alone put the outputs below the inputs at the feeds
  await expectUntouched('value floor', (b) => ({ ...b, maxSlippageBps: 0 }), undefined, /ValueFloor/);
});

test('a maxSlippageBps above the cap configured on the executor is refused', async () => {
  await expectUntouched('slippage cap', (b) => ({ ...b, maxSlippageBps: 5000 }), undefined, /SlippageAboveCap/);
});

test('deadline: an expired batch reverts', async () => {
  const now = (await w.clients.public.getBlock()).timestamp;
  await expectUntouched('deadline', (b) => ({ ...b, deadline: now - 1n }), undefined, /Expired/);
});

test('a caller other than the owner is refused', async () => {
  await expectUntouched('non-owner', (b) => b, KEY1, /NotOwner/);
});

test('a leg that reverts reverts the whole batch', async () => {
  // the last step names a pool the Vault does not know: the Vault reverts after earlier steps have swapped
  const bogus = `0x${'12'.repeat(32)}` as Hex;
  await expectUntouched(
    'reverting leg',
    (b) => ({
      ...b,
      legs: b.legs.map((l, i) => (i === b.legs.length - 1 ? { ...l, kind: 2, flags: l.flags | 4, poolId: bogus } : l)),
    }),
    undefined,
    /BAL#500|reverted/,
  );
});

test('sendTx simulates first: a failing batch is never signed, journaled or sent', async () => {
  const b = await batch();
  const { j, s } = mainSender();
  await assert.rejects(
    sendTx(s, { to: w.executor, data: encodeExecute({ ...b, deadline: 1n }), leg: 0, calls: null }),
    ChainSendError,
  );
  assert.deepEqual(j.chainTxs.unfinished(), []);
});

test('crash after journaling, before or after broadcast: resume() sends the same bytes once, or resolves not_placed', async () => {
  const { j, s } = mainSender();
  const token = w.tokens.get('USDC')!.address;
  const sign = async (nonce: number, amount = 7n) => {
    const data = encodeFunctionData({ abi: approveAbi, functionName: 'approve', args: [w.executor, amount] });
    const fees = await w.clients.public.estimateFeesPerGas();
    return w.account.signTransaction({
      type: 'eip1559',
      chainId: w.fx.chainId,
      to: token,
      data,
      nonce,
      gas: 100_000n,
      ...fees,
    });
  };
  const commit = (raw: Hex, nonce: number, leg: number) =>
    j.chainTxs.commitTx({
      portfolioId: 'main',
      cycle: 1,
      leg,
      child: 0,
      venue: 'evm',
      chainId: w.fx.chainId,
      from: w.account.address,
      to: token,
      nonce,
      txHash: keccak256(raw),
      rawTx: raw,
      at: Date.now(),
    });
  const nonce = await w.clients.public.getTransactionCount({ address: w.account.address, blockTag: 'pending' });
  // Crash 1: committed and marked sent, the process died before (or while) broadcasting.
  const raw1 = await sign(nonce);
  const t1 = commit(raw1, nonce, 1);
  j.chainTxs.markSent(t1.clientOrderId, Date.now());
  const r1 = await resume(s);
  assert.deepEqual(
    r1.map((x) => x.state),
    ['filled'],
  );
  assert.equal(
    await w.clients.public.getTransactionCount({ address: w.account.address }),
    nonce + 1,
    'mined exactly once',
  );
  assert.deepEqual(await resume(s), [], 'nothing left to resolve; a second resume sends nothing');
  // Crash 2: committed, but another transaction consumed the nonce meanwhile: never sent, resolved not_placed.
  const raw2 = await sign(nonce, 8n);
  const t2 = commit(raw2, nonce, 2);
  const r2 = await resume(s);
  assert.deepEqual(
    r2.map((x) => [x.clientOrderId, x.state]),
    [[t2.clientOrderId, 'not_placed']],
  );
});
