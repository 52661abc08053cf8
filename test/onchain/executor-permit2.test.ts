/**
 * executePermit2 (issue #19: "Permit2 signatures where the owner prefers no standing allowance") on a real anvil
 * with the fixture's Permit2: the owner approves Permit2 only (no allowance to the executor) and signs one batch
 * permit per rebalance. Attacks: an expired permit, a reused nonce, a permit signed by another key, a permit for
 * other amounts, tokens, steps or slippage, a replayed transaction, a caller that is not the owner, an executor
 * without Permit2: each reverts and nothing moves.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, type Hex, maxUint256, parseAbi, zeroAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { executorArtifact, poolSources } from '../../src/chain/executor/artifact.ts';
import { rebalanceId, simulateExecute } from '../../src/chain/executor/calldata.ts';
import { encodeSteps } from '../../src/chain/executor/legs.ts';
import { encodeExecutePermit2, type PermitArgs, signPermit2 } from '../../src/chain/executor/permit2.ts';
import type { JointLeg } from '../../src/dex/router/joint/index.ts';
import { BPS, poolOf, sendAs, tokenOf } from './paths.ts';
import { balances, erc20, KEY0, KEY1, startWorld, type World } from './setup.ts';

let w: World;
let permit2: Address;
const approveAbi = parseAbi(['function approve(address spender, uint256 amount)']);
const permit2Abi = parseAbi([
  'function nonceBitmap(address, uint256) view returns (uint256)',
  'function invalidateUnorderedNonces(uint256 wordPos, uint256 mask)',
]);
const owner = () => w.account.address;
const all = () => [...w.tokens.values()].map((t) => t.address);
const key0 = privateKeyToAccount(KEY0);
let nextId = 0;
const id = () => rebalanceId('permit2', ++nextId);

before(async () => {
  w = await startWorld();
  assert.ok(w.fx.contracts.permit2, 'the fixture deploys Permit2');
  permit2 = w.fx.contracts.permit2;
  // Permit2's model: the owner approves Permit2 once; nothing is approved to the executor
  for (const t of w.fx.tokens) await w.tx.call(t.address, approveAbi, 'approve', [permit2, maxUint256], 'approve');
});
after(async () => {
  await w?.node.stop();
});

/** 2,000 USDC → WETH (v2) and 50 LINK → WETH (v2), both pulled through the permit, outputs to the owner. */
async function batch(over: Partial<PermitArgs> = {}): Promise<PermitArgs> {
  const usdc = tokenOf(w, 'USDC');
  const link = tokenOf(w, 'LINK');
  const weth = tokenOf(w, 'WETH');
  const pulls = [
    { token: usdc, amount: 2_000n * 10n ** 6n },
    { token: link, amount: 50n * 10n ** 18n },
  ];
  const leg = (a: string, tin: Address, amountIn: bigint): JointLeg => ({
    pool: poolOf(w, 'uniswap-v2', a, 'WETH').address,
    protocol: 'uniswap-v2',
    tokenIn: tin,
    tokenOut: weth,
    amountIn,
    amountOut: 1n,
    final: true,
    ticksCrossed: 0,
    gas: 0,
  });
  const legs = encodeSteps(
    [leg('USDC', usdc, pulls[0]!.amount), leg('LINK', link, pulls[1]!.amount)],
    pulls,
    w.fx.pools,
    () => 1n,
    {
      fromOwner: false,
    },
  );
  const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
  return { id: id(), pulls, legs, maxSlippageBps: BPS, deadline, ...over };
}

const sign = (b: PermitArgs, account = key0, executor = w.executor) =>
  signPermit2(account, w.fx.chainId, permit2, executor, b);

async function expectRefused(data: Hex, error: RegExp, what: string, executor = w.executor): Promise<void> {
  await assert.rejects(simulateExecute(w.clients.public, owner(), executor, data), error, what);
  const before = await balances(w.clients.public, owner(), all());
  assert.equal(await sendAs(w, executor, data), 'reverted', `${what}: mined as reverted`);
  assert.deepEqual(await balances(w.clients.public, owner(), all()), before, `${what}: nothing moved`);
}

test('one signed permit pulls the batch with no allowance to the executor; replaying the transaction reverts', async () => {
  const b = await batch();
  const allowance = (t: Address) =>
    w.clients.public.readContract({ address: t, abi: erc20, functionName: 'allowance', args: [owner(), w.executor] });
  assert.equal(await allowance(b.pulls[0]!.token), 0n, 'no standing allowance to the executor');
  const data = encodeExecutePermit2(b, await sign(b));
  const sim = await simulateExecute(w.clients.public, owner(), w.executor, data);
  assert.ok(sim.totalValue > 0n && sim.outs.every((o) => o > 0n));
  const [usdc0, link0, weth0] = await balances(w.clients.public, owner(), [
    ...b.pulls.map((p) => p.token),
    tokenOf(w, 'WETH'),
  ]);
  assert.equal(await sendAs(w, w.executor, data), 'success');
  const [usdc1, link1, weth1] = await balances(w.clients.public, owner(), [
    ...b.pulls.map((p) => p.token),
    tokenOf(w, 'WETH'),
  ]);
  assert.equal(usdc0! - usdc1!, b.pulls[0]!.amount, 'exactly the permitted USDC left the owner');
  assert.equal(link0! - link1!, b.pulls[1]!.amount, 'exactly the permitted LINK left the owner');
  assert.equal(weth1! - weth0!, sim.outs[0]! + sim.outs[1]!, 'the outputs went to the owner');
  const nonce = BigInt(b.id);
  const bitmap = await w.clients.public.readContract({
    address: permit2,
    abi: permit2Abi,
    functionName: 'nonceBitmap',
    args: [owner(), nonce >> 8n],
  });
  assert.equal((bitmap >> (nonce & 0xffn)) & 1n, 1n, 'the permit nonce (the rebalance id) is spent');
  await expectRefused(data, /AlreadyExecuted/, 'the same transaction replayed');
});

test('an expired permit reverts: the permit deadline is the batch deadline; a permit for another deadline is refused', async () => {
  const b = await batch();
  const sig = await sign(b);
  await expectRefused(
    encodeExecutePermit2({ ...b, deadline: b.deadline + 3600n }, sig),
    /InvalidSigner/,
    'deadline extended',
  );
  await w.clients.test.increaseTime({ seconds: 700 });
  await w.clients.test.mine({ blocks: 1 });
  await expectRefused(encodeExecutePermit2(b, sig), /Expired/, 'permit past its deadline');
});

test('a reused nonce reverts: the same rebalance id through a second executor of the owner, or a nonce the owner cancelled', async () => {
  const b = await batch();
  assert.equal(await sendAs(w, w.executor, encodeExecutePermit2(b, await sign(b))), 'success');
  const a = executorArtifact();
  const s = poolSources(w.fx.contracts);
  const second = await w.tx.deploy(
    a.abi,
    a.bytecode,
    [
      owner(),
      s.v2Factory,
      s.v2InitCodeHash,
      s.v3Factory,
      s.v3InitCodeHash,
      s.vault,
      s.v4PoolManager,
      s.aavePool,
      permit2,
    ],
    'BallastExecutor (second)',
  );
  const again = await batch({ id: b.id });
  await expectRefused(
    encodeExecutePermit2(again, await sign(again, key0, second)),
    /InvalidNonce/,
    'nonce reused',
    second,
  );
  // cancelled by the owner at Permit2 before it was used
  const c = await batch();
  const sig = await sign(c);
  const nonce = BigInt(c.id);
  await w.tx.call(permit2, permit2Abi, 'invalidateUnorderedNonces', [nonce >> 8n, 1n << (nonce & 0xffn)], 'cancel');
  await expectRefused(encodeExecutePermit2(c, sig), /InvalidNonce/, 'nonce cancelled');
});

test('a permit signed by another key, or for other amounts, tokens, steps, slippage or rebalance id, reverts', async () => {
  const b = await batch();
  await expectRefused(
    encodeExecutePermit2(b, await sign(b, privateKeyToAccount(KEY1))),
    /InvalidSigner/,
    'another key',
  );
  const sig = await sign(b);
  const more = b.pulls.map((p, i) => (i === 0 ? { ...p, amount: p.amount * 2n } : p));
  await expectRefused(encodeExecutePermit2({ ...b, pulls: more }, sig), /InvalidSigner/, 'other amounts');
  const uni = tokenOf(w, 'UNI');
  const other = b.pulls.map((p, i) => (i === 1 ? { ...p, token: uni } : p));
  await expectRefused(encodeExecutePermit2({ ...b, pulls: other }, sig), /InvalidSigner/, 'other tokens');
  const steps = b.legs.map((s, i) => (i === 0 ? { ...s, minOut: 0n } : s));
  await expectRefused(encodeExecutePermit2({ ...b, legs: steps }, sig), /InvalidSigner/, 'other steps');
  await expectRefused(
    encodeExecutePermit2({ ...b, maxSlippageBps: BPS + 100 }, sig),
    /InvalidSigner/,
    'other slippage',
  );
  await expectRefused(encodeExecutePermit2({ ...b, id: id() }, sig), /InvalidSigner/, 'other rebalance id');
  // the signature is still good for what it signed
  assert.equal(await sendAs(w, w.executor, encodeExecutePermit2(b, sig)), 'success');
});

test('only the owner may send it, with the owner’s own valid permit; an executor without Permit2 refuses (NoPermit2)', async () => {
  const b = await batch();
  const data = encodeExecutePermit2(b, await sign(b));
  await assert.rejects(
    simulateExecute(w.clients.public, privateKeyToAccount(KEY1).address, w.executor, data),
    /NotOwner/,
  );
  const a = executorArtifact();
  const s = poolSources(w.fx.contracts);
  const bare = await w.tx.deploy(
    a.abi,
    a.bytecode,
    [
      owner(),
      s.v2Factory,
      s.v2InitCodeHash,
      s.v3Factory,
      s.v3InitCodeHash,
      s.vault,
      s.v4PoolManager,
      s.aavePool,
      zeroAddress,
    ],
    'BallastExecutor (no Permit2)',
  );
  await expectRefused(encodeExecutePermit2(b, await sign(b, key0, bare)), /NoPermit2/, 'no Permit2', bare);
  // the batch is still good on the real executor
  assert.equal(await sendAs(w, w.executor, data), 'success');
});
