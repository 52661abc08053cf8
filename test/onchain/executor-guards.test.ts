/**
 * The executor's guarantees from issues #19 and #30 on a real anvil: a forged v3 callback reverts; a token that
 * re-enters reverts the batch with nothing moved; USDT-style approvals go through zero; the value floor refuses a
 * stale, incomplete or out-of-bounds feed, a missing feed, a sequencer that is down or in its grace period; a
 * step cannot name a call target (a pool that is not the factory's reverts); a path's later hop spends what the
 * earlier hop really returned (a dust trade on a first-hop pool no longer breaks the batch); sweep goes to the
 * owner only. The sandwich bound is in sandwich.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type Address,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  maxUint256,
  parseAbi,
  zeroAddress,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ownArtifact } from '../../src/chain/contracts.ts';
import { executorArtifact } from '../../src/chain/executor/artifact.ts';
import {
  approvalsNeeded,
  encodeExecute,
  explainRevert,
  rebalanceId,
  simulateExecute,
} from '../../src/chain/executor/calldata.ts';
import { FROM_PAYER, ONE } from '../../src/chain/executor/legs.ts';
import { v2RouterAbi } from '../../src/chain/fixture/router-abis.ts';
import type { FixturePool } from '../../src/chain/fixture/types.ts';
import { BPS, poolOf, sendAs, tokenOf, twoPathsOf } from './paths.ts';
import { balances, feedAbi, KEY1, SLIPPAGE_CAP_BPS, startWorld, type World } from './setup.ts';

let w: World;
before(async () => {
  w = await startWorld();
  // the owner's standing approvals of the executor
  for (const t of w.fx.tokens) await w.tx.call(t.address, tokenAbi, 'approve', [w.executor, maxUint256], 'approve');
});
after(async () => {
  await w?.node.stop();
});

const abi = () => executorArtifact().abi;
const tokenAbi = parseAbi([
  'function approve(address spender, uint256 amount)',
  'function mint(address to, uint256 amount)',
  'function setHook(address hook, bytes data)',
]);
let nextId = 0;
const id = () => rebalanceId('guards', ++nextId);
const tok = (s: string) => tokenOf(w, s);
const pool = (protocol: FixturePool['protocol'], a: string, b: string, fee?: number) => poolOf(w, protocol, a, b, fee);
const sendUnchecked = (to: Address, data: Hex) => sendAs(w, to, data);
const twoPaths = (bps: number) => twoPathsOf(w, bps, id);
const owner = () => w.account.address;
const all = () => [...w.tokens.values()].map((t) => t.address);

async function expectRefused(data: Hex, error: RegExp, what: string): Promise<void> {
  await assert.rejects(simulateExecute(w.clients.public, owner(), w.executor, data), error, what);
  const before = await balances(w.clients.public, owner(), all());
  assert.equal(await sendUnchecked(w.executor, data), 'reverted', `${what}: mined as reverted`);
  assert.deepEqual(await balances(w.clients.public, owner(), all()), before, `${what}: nothing moved`);
}

test('a forged v3 callback from an account reverts (from a contract during a batch: the re-entry test)', async () => {
  const p = pool('uniswap-v3', 'WETH', 'USDC', 500);
  const data = encodeFunctionData({
    abi: abi(),
    functionName: 'uniswapV3SwapCallback',
    args: [
      10n ** 18n,
      0n,
      `0x${[tok('WETH'), tok('USDC')].map((a) => a.slice(2).padStart(64, '0')).join('')}${p.feePips.toString(16).padStart(64, '0')}` as Hex,
    ],
  });
  await assert.rejects(w.clients.public.call({ account: owner(), to: w.executor, data }), (e: unknown) =>
    /ForgedCallback/.test(explainRevert(e)),
  );
  assert.equal(await sendUnchecked(w.executor, data), 'reverted');
});

test('re-entry: a token that calls back into the executor mid-batch reverts it, nothing moved; without the hook the same batch returns everything', async () => {
  const q = ownArtifact('TestQuirkyERC20');
  const evil = await w.tx.deploy(q.abi, q.bytecode, ['Evil', 'EVIL', 18], 'EVIL');
  await w.tx.call(evil, tokenAbi, 'mint', [owner(), 10n ** 24n], 'mint');
  const a = executorArtifact().abi;
  await w.tx.call(w.executor, a, 'setFeed', [evil, w.feeds.WETH!.address, 3660, 1n, 10n ** 20n], 'setFeed EVIL');
  // USDT-style approvals: non-zero → non-zero reverts, approvalsNeeded goes through zero
  await w.tx.call(evil, tokenAbi, 'approve', [w.executor, 5n], 'approve 5');
  await assert.rejects(w.tx.call(evil, tokenAbi, 'approve', [w.executor, 6n], 'approve 6'), /approve from non-zero/);
  const need = await approvalsNeeded(w.clients.public, owner(), w.executor, { pulls: [{ token: evil, amount: 10n }] });
  assert.deepEqual(
    need.map((x) => x.amount),
    [0n, maxUint256],
  );
  for (const x of need) assert.equal(await sendUnchecked(x.token, x.data), 'success');

  const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
  const batch = (i: Hex) =>
    encodeExecute({ id: i, pulls: [{ token: evil, amount: 10n ** 18n }], legs: [], maxSlippageBps: 0, deadline });
  const evilBal = async () => (await balances(w.clients.public, owner(), [evil]))[0]!;
  const hooks: [string, Hex, RegExp][] = [
    ['execute', batch(id()), /ReentrancyGuardReentrantCall/],
    [
      'sweep',
      encodeFunctionData({ abi: a, functionName: 'sweep', args: [evil] }),
      /ReentrancyGuardReentrantCall|NotOwner/,
    ],
    [
      'the v3 callback',
      encodeFunctionData({
        abi: a,
        functionName: 'uniswapV3SwapCallback',
        args: [
          1n,
          0n,
          `0x${[evil, tok('WETH')].map((x) => x.slice(2).padStart(64, '0')).join('')}${'0'.repeat(61)}bb8` as Hex,
        ],
      }),
      /ForgedCallback/,
    ],
  ];
  for (const [what, hookData, error] of hooks) {
    await w.tx.call(evil, tokenAbi, 'setHook', [w.executor, hookData], 'setHook');
    const b0 = await evilBal();
    await expectRefused(batch(id()), error, `re-entering ${what}`);
    assert.equal(await evilBal(), b0, `re-entering ${what}: EVIL untouched`);
  }
  await w.tx.call(evil, tokenAbi, 'setHook', [zeroAddress, '0x'], 'unhook');
  const b0 = await evilBal();
  assert.equal(await sendUnchecked(w.executor, batch(id())), 'success');
  assert.equal(await evilBal(), b0, 'pulled and swept back: the accounting holds');
});

test('feeds on-chain: stale, incomplete, at a bound, missing → the batch reverts; the sequencer down, without a round, or in grace → reverts', async () => {
  const { data: fresh } = await twoPaths(BPS);
  const usdcFeed = w.feeds.USDC!.address;
  const a = executorArtifact().abi;
  const now = (await w.clients.public.getBlock()).timestamp;
  const [, answer] = await w.clients.public.readContract({
    address: usdcFeed,
    abi: feedAbi,
    functionName: 'latestRoundData',
  });
  const reset = () => w.tx.call(usdcFeed, feedAbi, 'setAnswer', [answer, 0n], 'reset feed');
  const setFeed = (max: bigint) =>
    w.tx.call(w.executor, a, 'setFeed', [tok('USDC'), usdcFeed, 3660, 1n, max], 'setFeed USDC');

  await w.tx.call(usdcFeed, feedAbi, 'setUpdatedAt', [now - 4000n], 'age');
  await expectRefused(fresh, /BadFeed/, 'stale feed');
  await reset();
  await w.tx.call(usdcFeed, feedAbi, 'setAnsweredLag', [1n], 'incomplete round');
  await expectRefused(fresh, /BadFeed/, 'incomplete round');
  await w.tx.call(usdcFeed, feedAbi, 'setAnsweredLag', [0n], 'complete');
  const data = fresh;
  await setFeed(answer); // the answer sits at the configured max bound
  await expectRefused(data, /BadFeed/, 'answer at its bound');
  // bounds are stored to 7 significant digits, rounded inward (never wider): USDC's 9-digit answer with a max
  // 1 above it, or a min 1 below it, sits at the stored bound and is refused; 1 ppm of room passes
  assert.ok(answer > 1n << 24n, `a 9-digit answer: ${answer}`);
  await setFeed(answer + 1n);
  await expectRefused(data, /BadFeed/, 'max 1 above the answer, stored rounded down');
  await w.tx.call(w.executor, a, 'setFeed', [tok('USDC'), usdcFeed, 3660, answer - 1n, 10n ** 20n], 'min');
  await expectRefused(data, /BadFeed/, 'min 1 below the answer, stored rounded up');
  await w.tx.call(
    w.executor,
    a,
    'setFeed',
    [tok('USDC'), usdcFeed, 3660, answer - answer / 10n ** 6n, answer + answer / 10n ** 6n],
    'ppm',
  );
  assert.ok(
    (await simulateExecute(w.clients.public, owner(), w.executor, data)).totalValue > 0n,
    '1 ppm inside: passes',
  );
  await assert.rejects(
    w.clients.public.simulateContract({
      account: owner(),
      address: w.executor,
      abi: a,
      functionName: 'setFeed',
      args: [tok('USDC'), usdcFeed, 2 ** 24, 1n, 10n ** 20n],
    }),
    /HeartbeatTooLong/,
    'a heartbeat above 2^24 − 1 s is refused, not truncated',
  );
  await w.tx.call(w.executor, a, 'setFeed', [tok('USDC'), zeroAddress, 0, 0n, 0n], 'remove feed');
  await expectRefused(data, /NoFeed/, 'no feed');
  await setFeed(10n ** 20n);

  const m = ownArtifact('MockAggregatorV3');
  const seq = await w.tx.deploy(m.abi, m.bytecode, [0, 'sequencer', 0n, -1n, 2n], 'sequencer feed');
  const guards = (f: Address) => w.tx.call(w.executor, a, 'setGuards', [f, 3600, SLIPPAGE_CAP_BPS], 'setGuards');
  await guards(seq);
  await expectRefused(data, /SequencerGrace/, 'sequencer up for less than the grace period');
  await w.tx.call(seq, feedAbi, 'setUpdatedAt', [now - 7200n], 'up for two hours');
  assert.ok(
    (await simulateExecute(w.clients.public, owner(), w.executor, data)).totalValue > 0n,
    'up past grace: passes',
  );
  await w.tx.call(seq, feedAbi, 'setUpdatedAt', [0n], 'no round');
  await expectRefused(data, /SequencerDown/, 'startedAt == 0');
  await w.tx.call(seq, feedAbi, 'setAnswer', [1n, now - 7200n], 'down');
  await expectRefused(data, /SequencerDown/, 'sequencer down');
  await guards(zeroAddress);
});

test('no call targets: a step names only tokens and a pool kind; a pool that is not the factory’s reverts NoPool', async () => {
  const step = (
    executorArtifact().abi.find((x) => x.type === 'function' && x.name === 'execute') as unknown as {
      inputs: { name: string; components?: { name: string; type: string }[] }[];
    }
  ).inputs.find((i) => i.name === 'steps')!;
  assert.deepEqual(
    step.components!.map((c) => `${c.type} ${c.name}`),
    [
      'uint8 kind',
      'uint8 flags',
      'address tokenIn',
      'address tokenOut',
      'uint24 fee',
      'bytes32 poolId',
      'uint128 share',
      'uint256 minOut',
    ],
  );
  // the old proof's leg — a call of transferFrom(owner, attacker, …) on another token — cannot be written: a step
  // carries no target and no calldata; naming tokens without a pool of the fixed factories (LINK/UNI has none)
  // computes an address with no pool
  const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
  for (const kind of [0, 1]) {
    const data = encodeExecute({
      id: id(),
      pulls: [{ token: tok('LINK'), amount: 10n ** 16n }],
      legs: [
        {
          kind,
          flags: 1,
          tokenIn: tok('LINK'),
          tokenOut: tok('UNI'),
          fee: 3000,
          poolId: `0x${'0'.repeat(64)}`,
          share: ONE,
          minOut: 0n,
          amountIn: 0n,
          amountOut: 0n,
          pool: zeroAddress,
          toOwner: true,
        },
      ],
      maxSlippageBps: 100,
      deadline,
    });
    await expectRefused(data, /NoPool/, `kind ${kind} to a non-pool`);
  }
});

test('per-path slippage: a dust trade on a first-hop pool before the batch no longer breaks it (the next hop spends the actual output)', async () => {
  const { data, steps, pulled } = await twoPaths(BPS);
  assert.equal(steps[0]!.flags & 2, 2, 'the first v2 hop pays the next pair directly');
  assert.equal(steps[2]!.flags & FROM_PAYER, FROM_PAYER, 'the v3 first hop is paid straight from the owner');
  assert.equal(steps[2]!.share, 2_000n * 10n ** 6n, 'its exact input');
  assert.equal(steps[3]!.share, ONE, 'the last v3 hop spends all the WETH the first hop returned');
  assert.equal(steps[0]!.minOut + steps[2]!.minOut, 0n, 'only the final outputs carry minimums');
  // 0.01% of the v2 WETH/USDC pool's USDC (10M): 1,000 USDC sold for WETH before the batch, from another wallet
  const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
  assert.equal(
    await sendUnchecked(
      w.fx.contracts.uniswapV2Router02,
      encodeFunctionData({
        abi: v2RouterAbi,
        functionName: 'swapExactTokensForTokens',
        args: [1000n * 10n ** 6n, 1n, [tok('USDC'), tok('WETH')], owner(), deadline],
      }),
    ),
    'success',
  );
  const before = await balances(w.clients.public, w.executor, all());
  const sim = await simulateExecute(w.clients.public, owner(), w.executor, data);
  assert.equal(await sendUnchecked(w.executor, data), 'success');
  assert.ok(sim.valueIn > 0n && pulled > 0n);
  assert.deepEqual(await balances(w.clients.public, w.executor, all()), before, 'the executor keeps nothing');
});

test('sweep: a token sent to the executor by mistake goes back to the owner only', async () => {
  const usdc = tok('USDC');
  const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
  await w.tx.call(usdc, transfer, 'transfer', [w.executor, 1234n], 'mistake');
  const sweep = encodeFunctionData({ abi: abi(), functionName: 'sweep', args: [usdc] });
  const other = createWalletClient({
    account: privateKeyToAccount(KEY1),
    chain: w.clients.wallet.chain,
    transport: http(w.node.rpcUrl),
  });
  await assert.rejects(w.clients.public.call({ account: other.account, to: w.executor, data: sweep }), (e: unknown) =>
    /NotOwner/.test(explainRevert(e)),
  );
  const [before] = await balances(w.clients.public, owner(), [usdc]);
  assert.equal(await sendUnchecked(w.executor, sweep), 'success');
  assert.deepEqual(await balances(w.clients.public, owner(), [usdc]), [before! + 1234n]);
  assert.deepEqual(await balances(w.clients.public, w.executor, [usdc]), [0n]);
});
