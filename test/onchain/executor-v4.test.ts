/**
 * Uniswap v4 legs inside BallastExecutor (issue #19.2): every v4 leg of a batch in ONE PoolManager.unlock with
 * net settlement (a currency one path spends and another produces moves once, netted), outputs straight to the
 * owner, nothing left in the executor; a v4 path below its minimum reverts everything; a forged unlock callback
 * reverts; the joint router picks v4 pools from the route market and the batch executes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, encodeFunctionData, type Hex, parseAbi, zeroAddress } from 'viem';
import { executorArtifact, poolSources } from '../../src/chain/executor/artifact.ts';
import { approvalsNeeded, encodeExecute, rebalanceId, simulateExecute } from '../../src/chain/executor/calldata.ts';
import { type ExecutorStep, encodeSteps, FROM_PAYER, STEP_KIND } from '../../src/chain/executor/legs.ts';
import { readRouteStates, routePools } from '../../src/chain/fixture/route-pools.ts';
import type { FixturePool } from '../../src/chain/fixture/types.ts';
import { validatedPrices } from '../../src/chain/oracles/guard.ts';
import { buildBatch, sizeTrades, slipMin } from '../../src/chain/rebalance/build.ts';
import { netTrades } from '../../src/chain/rebalance/net.ts';
import { type JointLeg, prepareMarket } from '../../src/dex/router/joint/index.ts';
import { sendAs } from './paths.ts';
import { balances, KEY1, startWorld, type World } from './setup.ts';

const approveAbi = parseAbi(['function approve(address spender, uint256 amount) returns (bool)']);
const UNLOCK = '0x48c89491'; // PoolManager.unlock(bytes)
let w: World;
let ids = 0;
const id = () => rebalanceId('executor-v4-test', ++ids);

before(async () => {
  w = await startWorld();
});
after(async () => {
  await w?.node.stop();
});

const tok = (s: string): Address => w.tokens.get(s)!.address;
const all = (): Address[] => [...w.tokens.values()].map((t) => t.address);
const v4 = (label: string): FixturePool => {
  const p = routePools(w.fx).find((x) => x.label === label);
  assert.ok(p, label);
  return p;
};
const leg = (p: FixturePool, tin: string, tout: string, amountIn: bigint, amountOut: bigint, final: boolean) =>
  ({
    pool: p.address,
    protocol: p.protocol,
    tokenIn: tok(tin),
    tokenOut: tok(tout),
    amountIn,
    amountOut,
    final,
    ticksCrossed: 0,
    gas: 0,
  }) as JointLeg;

async function approveAll(pulls: readonly { token: Address; amount: bigint }[]): Promise<void> {
  for (const a of await approvalsNeeded(w.clients.public, w.account.address, w.executor, { pulls })) {
    await w.tx.call(a.token, approveAbi, 'approve', [w.executor, a.amount], 'approve');
  }
}

/**
 * Two v4 paths from 1 WETH and 200 LINK: WETH→USDC (0.05%), and LINK→WETH (1%) →WBTC (0.3%, spending the first
 * hop's actual WETH). WETH is spent by one path and produced then spent by the other: settled once, netted.
 */
async function twoV4Paths(minOf: (final: number, sim: bigint) => bigint) {
  const pulls = [
    { token: tok('WETH'), amount: 10n ** 18n },
    { token: tok('LINK'), amount: 200n * 10n ** 18n },
  ];
  const legs = [
    leg(v4('UniV4 WETH/USDC 0.05%'), 'WETH', 'USDC', 10n ** 18n, 1n, true),
    leg(v4('UniV4 LINK/WETH 1%'), 'LINK', 'WETH', 200n * 10n ** 18n, 1n, false),
    leg(v4('UniV4 WBTC/WETH 0.3%'), 'WETH', 'WBTC', 1n, 1n, true),
  ];
  const encode = (steps: ExecutorStep[], deadline: bigint) =>
    encodeExecute({ id: id(), pulls, legs: steps, maxSlippageBps: 300, deadline });
  await approveAll(pulls);
  const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
  const probe = encodeSteps(legs, pulls, routePools(w.fx), () => 1n);
  const sim = await simulateExecute(w.clients.public, w.account.address, w.executor, encode(probe, deadline));
  let f = 0;
  const steps = encodeSteps(legs, pulls, routePools(w.fx), () => 0n).map((s, i) =>
    s.toOwner ? { ...s, minOut: minOf(f++, sim.outs[i]!) } : s,
  );
  return { pulls, steps, sim, data: encode(steps, deadline) };
}

async function unlockCalls(hash: Hex): Promise<number> {
  type Frame = { to?: string; input?: string; calls?: Frame[] };
  const trace = (await w.clients.public.request({
    method: 'debug_traceTransaction' as 'eth_call',
    params: [hash, { tracer: 'callTracer' }] as never,
  })) as unknown as Frame;
  const pm = w.fx.contracts.v4PoolManager.toLowerCase();
  const count = (f: Frame): number =>
    (f.to?.toLowerCase() === pm && f.input?.startsWith(UNLOCK) ? 1 : 0) +
    (f.calls ?? []).reduce((n, c) => n + count(c), 0);
  return count(trace);
}

test('two v4 paths in ONE unlock: outputs to the owner exactly as simulated, WETH netted, executor keeps nothing', async () => {
  const { pulls, steps, sim, data } = await twoV4Paths((_, x) => slipMin(x, 100));
  assert.deepEqual(
    steps.map((s) => s.kind),
    [STEP_KIND['uniswap-v4'], STEP_KIND['uniswap-v4'], STEP_KIND['uniswap-v4']],
  );
  assert.equal(steps[2]!.share, 0n, 'the second hop spends the first hop’s actual output');
  await approveAll(pulls);
  const before = await balances(w.clients.public, w.account.address, all());
  const hash = await w.clients.wallet.sendTransaction({
    account: w.account,
    chain: w.clients.wallet.chain,
    to: w.executor,
    data,
    gas: 3_000_000n,
  });
  const r = await w.clients.public.waitForTransactionReceipt({ hash });
  assert.equal(r.status, 'success');
  assert.equal(await unlockCalls(hash), 1, 'one PoolManager.unlock for every v4 leg');
  const afterB = await balances(w.clients.public, w.account.address, all());
  const delta = new Map(all().map((t, i) => [t.toLowerCase(), afterB[i]! - before[i]!]));
  assert.equal(delta.get(tok('USDC').toLowerCase()), sim.outs[0]);
  assert.equal(delta.get(tok('WBTC').toLowerCase()), sim.outs[2]);
  assert.equal(delta.get(tok('WETH').toLowerCase()), -(10n ** 18n));
  assert.equal(delta.get(tok('LINK').toLowerCase()), -200n * 10n ** 18n);
  assert.ok(
    (await balances(w.clients.public, w.executor, all())).every((x) => x === 0n),
    'executor keeps nothing',
  );
  assert.ok(sim.totalValue > 0n && sim.totalValue * 10_000n >= sim.valueIn * 9_700n, 'the value floor counts v4');
});

test('paid from the owner (FROM_PAYER): exact amounts, nothing pulled; netting an owner-paid currency in an unlock, a Balancer step or a zero amount flagged so revert, nothing moves', async () => {
  const WETH = 10n ** 18n;
  const LINK = 200n * 10n ** 18n;
  const pulls = [
    { token: tok('WETH'), amount: WETH },
    { token: tok('LINK'), amount: LINK },
  ];
  await approveAll(pulls);
  const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
  const encode = (steps: ExecutorStep[]) =>
    encodeExecute({ id: id(), pulls, legs: steps, maxSlippageBps: 300, deadline });
  const owner = w.account.address;
  // WETH→USDC and LINK→WETH, two v4 paths in one unlock: WETH is bought, so its path spends a pull; LINK is
  // paid from the owner
  const steps = encodeSteps(
    [
      leg(v4('UniV4 WETH/USDC 0.05%'), 'WETH', 'USDC', WETH, 1n, true),
      leg(v4('UniV4 LINK/WETH 1%'), 'LINK', 'WETH', LINK, 1n, true),
    ],
    pulls,
    routePools(w.fx),
    () => 1n,
  );
  assert.deepEqual(
    steps.map((s) => [s.flags & FROM_PAYER, s.share]),
    [
      [0, 10n ** 36n],
      [FROM_PAYER, LINK],
    ],
  );
  const before = await balances(w.clients.public, owner, all());
  const sim = await simulateExecute(w.clients.public, owner, w.executor, encode(steps));
  assert.equal(await sendAs(w, w.executor, encode(steps)), 'success');
  const afterOk = await balances(w.clients.public, owner, all());
  const d = (t: string) => afterOk[all().indexOf(tok(t))]! - before[all().indexOf(tok(t))]!;
  assert.equal(d('LINK'), -LINK, 'the owner paid exactly the declared LINK');
  assert.equal(d('USDC'), sim.outs[0]);
  assert.equal(d('WETH'), sim.outs[1]! - WETH);
  assert.ok(
    (await balances(w.clients.public, w.executor, all())).every((x) => x === 0n),
    'executor keeps nothing',
  );
  // the WETH path flagged FROM_PAYER too: the unlock owes less WETH than declared (LINK→WETH nets it): refused
  const netted = steps.map((s, i) => (i === 0 ? { ...s, flags: s.flags | FROM_PAYER, share: WETH } : s));
  const bal = await balances(w.clients.public, owner, all());
  await assert.rejects(simulateExecute(w.clients.public, owner, w.executor, encode(netted)), /PayerMismatch/);
  assert.equal(await sendAs(w, w.executor, encode(netted)), 'reverted');
  // a zero amount from the owner; a Balancer step flagged FROM_PAYER
  const zero = steps.map((s, i) => (i === 1 ? { ...s, share: 0n } : s));
  await assert.rejects(simulateExecute(w.clients.public, owner, w.executor, encode(zero)), /BadStep/);
  const bal50 = routePools(w.fx).find((p) => p.protocol === 'balancer-weighted' && p.label.includes('WBTC/WETH'));
  assert.ok(bal50);
  const balSteps = encodeSteps([leg(bal50, 'WETH', 'WBTC', WETH, 1n, true)], [pulls[0]!], routePools(w.fx), () => 1n);
  assert.equal(balSteps[0]!.flags & FROM_PAYER, 0, 'Balancer legs spend a pull');
  const forced = balSteps.map((s) => ({ ...s, flags: s.flags | FROM_PAYER, share: WETH }));
  await assert.rejects(
    simulateExecute(
      w.clients.public,
      owner,
      w.executor,
      encodeExecute({ id: id(), pulls: [pulls[0]!], legs: forced, maxSlippageBps: 300, deadline }),
    ),
    /BadStep/,
  );
  assert.deepEqual(await balances(w.clients.public, owner, all()), bal, 'refused batches move nothing');
});

test('a v4 path below its minimum reverts everything (the other path too); a non-owner is refused', async () => {
  const { pulls, data } = await twoV4Paths((k, x) => (k === 1 ? x + 1n : slipMin(x, 100)));
  await approveAll(pulls);
  await assert.rejects(simulateExecute(w.clients.public, w.account.address, w.executor, data), /V4MinOut/);
  const before = await balances(w.clients.public, w.account.address, all());
  assert.equal(await sendAs(w, w.executor, data), 'reverted');
  assert.deepEqual(await balances(w.clients.public, w.account.address, all()), before, 'nothing moved');
  const ok = await twoV4Paths((_, x) => slipMin(x, 100));
  const stranger = (await import('viem/accounts')).privateKeyToAccount(KEY1).address;
  await assert.rejects(simulateExecute(w.clients.public, stranger, w.executor, ok.data), /NotOwner/);
});

test('a forged v4 unlock callback reverts: from the owner, and from the PoolManager outside our unlock', async () => {
  const abi = executorArtifact().abi;
  const data = encodeFunctionData({ abi, functionName: 'unlockCallback', args: ['0x'] });
  await assert.rejects(
    w.clients.public.call({ account: w.account.address, to: w.executor, data }),
    /V4ForgedCallback|revert/,
  );
  const pm = w.fx.contracts.v4PoolManager;
  await w.clients.test.impersonateAccount({ address: pm });
  await w.clients.test.setBalance({ address: pm, value: 10n ** 18n });
  try {
    const hash = await w.clients.wallet.sendTransaction({
      account: pm,
      chain: w.clients.wallet.chain,
      to: w.executor,
      data,
      gas: 500_000n,
    });
    assert.equal((await w.clients.public.waitForTransactionReceipt({ hash })).status, 'reverted');
  } finally {
    await w.clients.test.stopImpersonatingAccount({ address: pm });
  }
});

test('an executor deployed without a PoolManager refuses v4 steps (UnsupportedStep)', async () => {
  const a = executorArtifact();
  const s = poolSources(w.fx.contracts);
  const bare = await w.tx.deploy(
    a.abi,
    a.bytecode,
    [
      w.account.address,
      s.v2Factory,
      s.v2InitCodeHash,
      s.v3Factory,
      s.v3InitCodeHash,
      s.vault,
      zeroAddress,
      s.aavePool,
      s.permit2,
    ],
    'BallastExecutor (no v4)',
  );
  const { pulls, data } = await twoV4Paths((_, x) => slipMin(x, 100));
  for (const a of await approvalsNeeded(w.clients.public, w.account.address, bare, { pulls }))
    await w.tx.call(a.token, approveAbi, 'approve', [bare, a.amount], 'approve');
  await assert.rejects(simulateExecute(w.clients.public, w.account.address, bare, data), /UnsupportedStep/);
});

test('the joint router over the route market (v4 pools included) picks v4 legs; the batch executes', async () => {
  const tokens = [...w.tokens.values()];
  const prices = await validatedPrices(w.clients.public, { feeds: w.feeds, maxDeviationBps: 200 }, tokens);
  const trades = [
    { asset: 'WETH', side: 'sell' as const, notional: 40_000 },
    { asset: 'WBTC', side: 'buy' as const, notional: 15_000 },
  ];
  const snap = await readRouteStates(w.clients.public, w.fx);
  const b = buildBatch({
    sizes: sizeTrades(netTrades(trades, 'USDC'), w.tokens, prices, 'USDC'),
    tokens: w.tokens,
    prices,
    feeds: w.feeds,
    quote: 'USDC',
    market: prepareMarket(snap.states),
    poolInfo: routePools(w.fx),
    contracts: w.fx.contracts,
    executor: w.executor,
    owner: w.account.address,
    deadline: (await w.clients.public.getBlock()).timestamp + 600n,
    gasPriceWei: 1n,
    maxSlippageBps: 100,
    id: id(),
  });
  assert.ok(
    b.legs.some((l) => l.kind === STEP_KIND['uniswap-v4']),
    `v4 legs: ${b.route.legs.map((l) => l.protocol)}`,
  );
  await approveAll(b.pulls);
  const data = encodeExecute(b);
  await simulateExecute(w.clients.public, w.account.address, w.executor, data);
  assert.equal(await sendAs(w, w.executor, data), 'success');
  assert.ok(
    (await balances(w.clients.public, w.executor, all())).every((x) => x === 0n),
    'executor keeps nothing',
  );
});
