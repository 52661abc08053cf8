/**
 * The executor's guarantees from issues #19 and #30 on a real anvil: a forged v3 callback reverts; a token that
 * re-enters reverts the batch with nothing moved; USDT-style approvals go through zero; the value floor refuses a
 * stale, incomplete or out-of-bounds feed, a missing feed, a sequencer that is down or in its grace period; a
 * step cannot name a call target (a pool that is not the factory's reverts); a path's later hop spends what the
 * earlier hop really returned (a dust trade on a first-hop pool no longer breaks the batch); and the sandwich
 * bound: over random attacker moves before the batch, the value lost against the feeds is ≤ maxSlippageBps or
 * the batch reverts (fast-check, seeded; BALLAST_SANDWICH_RUNS for more runs than the default 24).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
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
import { type ExecutorStep, encodeSteps, ONE } from '../../src/chain/executor/legs.ts';
import { v2RouterAbi, v3RouterAbi } from '../../src/chain/fixture/router-abis.ts';
import type { FixturePool } from '../../src/chain/fixture/types.ts';
import { slipMin } from '../../src/chain/rebalance/build.ts';
import type { JointLeg } from '../../src/dex/router/joint/index.ts';
import { balances, feedAbi, KEY0, KEY1, SLIPPAGE_CAP_BPS, startWorld, type World } from './setup.ts';

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
/** maxSlippageBps of the tests' batches: the paths' fees (v2 0.3% twice, v3 0.05% + 1%) and impact fit in it. */
const BPS = 200;
let nextId = 0;
const id = () => rebalanceId('guards', ++nextId);
const tok = (s: string) => w.tokens.get(s)!.address;
const usdOf = (s: string) => Number(w.fx.tokens.find((t) => t.symbol === s)!.priceUsd);

function pool(protocol: FixturePool['protocol'], a: string, b: string, fee?: number): FixturePool {
  const p = w.fx.pools.find(
    (x) =>
      x.protocol === protocol &&
      x.symbols.length === 2 &&
      x.symbols.includes(a) &&
      x.symbols.includes(b) &&
      (fee === undefined || x.feePips === fee),
  );
  assert.ok(p, `pool ${protocol} ${a}/${b}`);
  return p;
}

/** Sends without simulating, so a failure is mined as reverted; returns its status. */
async function sendUnchecked(to: Address, data: Hex): Promise<string> {
  const wallet = createWalletClient({
    account: privateKeyToAccount(KEY0),
    chain: w.clients.wallet.chain,
    transport: http(w.node.rpcUrl),
  });
  const hash = await wallet.sendTransaction({ to, data, gas: 3_000_000n, chain: w.clients.wallet.chain });
  return (await w.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status;
}

const owner = () => w.account.address;
const all = () => [...w.tokens.values()].map((t) => t.address);

async function expectRefused(data: Hex, error: RegExp, what: string): Promise<void> {
  await assert.rejects(simulateExecute(w.clients.public, owner(), w.executor, data), error, what);
  const before = await balances(w.clients.public, owner(), all());
  assert.equal(await sendUnchecked(w.executor, data), 'reverted', `${what}: mined as reverted`);
  assert.deepEqual(await balances(w.clients.public, owner(), all()), before, `${what}: nothing moved`);
}

/**
 * Two 2-hop paths from 4,000 USDC: USDC→WETH (v2) →LINK (v2, the first hop paying the second pair directly) and
 * USDC→WETH (v3 0.05%) →UNI (v3 1%, the second hop spending the executor's actual WETH). Each final step's
 * minimum is its simulated output less `bps`.
 */
async function twoPaths(bps: number): Promise<{ data: Hex; steps: ExecutorStep[]; pulled: bigint }> {
  const usdc = tok('USDC');
  const weth = tok('WETH');
  const half = 2_000n * 10n ** 6n;
  const leg = (p: FixturePool, tin: Address, tout: Address, amountIn: bigint, final: boolean): JointLeg => ({
    pool: p.address,
    protocol: p.protocol,
    tokenIn: tin,
    tokenOut: tout,
    amountIn,
    amountOut: final ? 1n : 0n,
    final,
    ticksCrossed: 0,
    gas: 0,
  });
  // the hub amounts are what the first hops return: simulated by the executor itself
  const probe = async (legs: JointLeg[], mins: (l: JointLeg) => bigint) => {
    const pulls = [{ token: usdc, amount: 2n * half }];
    const steps = encodeSteps(legs, pulls, w.fx.pools, mins);
    const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
    const data = encodeExecute({ id: id(), pulls, legs: steps, maxSlippageBps: bps, deadline });
    return { steps, data, sim: await simulateExecute(w.clients.public, owner(), w.executor, data) };
  };
  const v2a = pool('uniswap-v2', 'WETH', 'USDC');
  const v2b = pool('uniswap-v2', 'LINK', 'WETH');
  const v3a = pool('uniswap-v3', 'WETH', 'USDC', 500);
  const v3b = pool('uniswap-v3', 'UNI', 'WETH', 10000);
  const first = await probe([leg(v2a, usdc, weth, half, false), leg(v3a, usdc, weth, half, false)], () => 0n);
  const [w1, w2] = first.sim.outs as [bigint, bigint];
  const legs = [
    { ...leg(v2a, usdc, weth, half, false), amountOut: w1 },
    leg(v2b, weth, tok('LINK'), w1, true),
    { ...leg(v3a, usdc, weth, half, false), amountOut: w2 },
    leg(v3b, weth, tok('UNI'), w2, true),
  ];
  const sized = await probe(legs, () => 1n);
  const out = new Map(sized.steps.map((s, i) => [s.tokenOut + String(s.toOwner), sized.sim.outs[i]!]));
  const fin = legs.map((l) => (l.final ? { ...l, amountOut: out.get(`${l.tokenOut}true`)! } : l));
  const r = await probe(fin, (l) => slipMin(l.amountOut, bps));
  return { data: r.data, steps: r.steps, pulled: 2n * half };
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
  assert.equal(steps[2]!.share, ONE, 'the v3 hop spends all the WETH the first hop returned');
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

const RUNS = Number(process.env.BALLAST_SANDWICH_RUNS ?? 24);

test(`sandwich bound: over ${RUNS} random attacker moves, value lost vs the feeds ≤ maxSlippageBps or the batch reverts`, async () => {
  const pricesE8 = new Map<string, bigint>();
  for (const t of w.fx.tokens) {
    const [, ans] = await w.clients.public.readContract({
      address: t.usdFeed,
      abi: feedAbi,
      functionName: 'latestRoundData',
    });
    pricesE8.set(t.address.toLowerCase(), ans);
  }
  const dec = new Map(w.fx.tokens.map((t) => [t.address.toLowerCase(), t.decimals]));
  const usdE18 = (deltas: bigint[]) =>
    all().reduce(
      (s, t, i) =>
        s + (deltas[i]! * pricesE8.get(t.toLowerCase())! * 10n ** 18n) / 10n ** BigInt(dec.get(t.toLowerCase())! + 8),
      0n,
    );
  const moves = [
    ['uniswap-v2', 'WETH', 'USDC'],
    ['uniswap-v2', 'LINK', 'WETH'],
    ['uniswap-v3', 'WETH', 'USDC', 500],
    ['uniswap-v3', 'UNI', 'WETH', 10000],
  ] as const;
  let reverted = 0;
  let worst = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: moves.length - 1 }),
      fc.boolean(),
      fc.integer({ min: 100, max: 2_000_000 }),
      async (mi, forward, usd) => {
        const snap = await w.clients.test.snapshot();
        try {
          const { data } = await twoPaths(BPS); // the plan, read before the attacker moves
          const [protocol, a, b, fee] = moves[mi]!;
          const [sell, buy] = forward ? [b, a] : [a, b];
          const amount =
            BigInt(Math.floor((usd / usdOf(sell)) * 1e6)) * 10n ** BigInt(dec.get(tok(sell).toLowerCase())! - 6);
          const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
          const move =
            protocol === 'uniswap-v2'
              ? encodeFunctionData({
                  abi: v2RouterAbi,
                  functionName: 'swapExactTokensForTokens',
                  args: [amount, 1n, [tok(sell), tok(buy)], owner(), deadline],
                })
              : encodeFunctionData({
                  abi: v3RouterAbi,
                  functionName: 'exactInputSingle',
                  args: [
                    {
                      tokenIn: tok(sell),
                      tokenOut: tok(buy),
                      fee: fee!,
                      recipient: owner(),
                      deadline,
                      amountIn: amount,
                      amountOutMinimum: 1n,
                      sqrtPriceLimitX96: 0n,
                    },
                  ],
                });
          const to = protocol === 'uniswap-v2' ? w.fx.contracts.uniswapV2Router02 : w.fx.contracts.swapRouter;
          await sendUnchecked(to, move); // a move too large for the pool reverts: the batch then meets the pools as they are
          const before = await balances(w.clients.public, owner(), all());
          const status = await sendUnchecked(w.executor, data);
          const after = await balances(w.clients.public, owner(), all());
          if (status !== 'success') {
            reverted++;
            assert.deepEqual(after, before, 'a reverted batch moves nothing');
            return;
          }
          const d = after.map((x, i) => x - before[i]!);
          const outV = usdE18(d.map((x) => (x > 0n ? x : 0n)));
          const inV = usdE18(d.map((x) => (x < 0n ? -x : 0n)));
          const lostBps = Number(((inV - outV) * 10_000n) / inV);
          worst = Math.max(worst, lostBps);
          assert.ok(outV * 10_000n >= inV * BigInt(10_000 - BPS), `lost ${lostBps} bps > ${BPS}`);
        } finally {
          await w.clients.test.revert({ id: snap });
        }
      },
    ),
    { numRuns: RUNS },
  );
  console.log(
    `sandwich bound: ${RUNS} runs, ${reverted} reverted, worst loss of a mined batch ${worst} bps (≤ ${BPS})`,
  );
});
