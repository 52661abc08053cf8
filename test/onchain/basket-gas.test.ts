/**
 * Figure for docs/benchmarks.md (issue #20): gas of BallastBasket's issue, redeem and rebalance for 2, 4 and 7
 * assets on the fixture. Each basket: equal targets, genesis 10 points of WETH over its target (taken evenly from
 * the others), $20k issued, an interval later the keeper rebalances with n − 1 WETH v2 legs. Gas is the receipt's
 * gasUsed (21k base and calldata included). Then one WETH → USDC leg (a 2-asset WETH/USDC basket, 60/40 against
 * 50/50) through each kind of pool the basket calls: Uniswap v2, v3 (0.05%), Balancer (the 50/50 weighted pool) and
 * v4 (0.3%, one unlock); each from the same state.
 * Run: TEST_CONCURRENCY=1 npm test -- test/onchain/basket-gas
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BasketLeg, BasketPool } from '../../src/chain/basket/artifact.ts';
import { BASKET_DEPLOY_GAS, NO_POOL_ID, v4PoolId } from '../../src/chain/basket/artifact.ts';
import {
  ACCOUNT1,
  basketSend,
  deadline,
  deployTestBasket,
  equalBps,
  legsToTarget,
  refreshFeeds,
  sendFrom,
  tok,
  tokenAbi,
  warp,
} from './basket-world.ts';
import { startWorld, type World } from './setup.ts';

const E18 = 10n ** 18n;
const ORDER = ['WETH', 'USDC', 'WBTC', 'LINK', 'USDT', 'DAI', 'UNI'];

let w: World;
before(async () => {
  w = await startWorld();
  for (const s of ORDER) {
    const bal = await w.clients.public.readContract({
      address: tok(w, s),
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [w.account.address],
    });
    await sendFrom(w, w.account.address, tok(w, s), tokenAbi, 'transfer', [ACCOUNT1, bal / 4n]);
  }
});
after(async () => {
  await w?.node.stop();
});

test('gas of issue, redeem and rebalance for 2, 4 and 7 assets', async () => {
  const rows: string[] = [];
  for (const n of [2, 4, 7]) {
    const symbols = ORDER.slice(0, n);
    const targets = equalBps(n);
    const take = Math.floor(1000 / (n - 1));
    const genesis = targets.map((t, i) => (i === 0 ? 0 : t - take));
    genesis[0] = 10_000 - genesis.reduce((a, b) => a + b, 0);
    await refreshFeeds(w);
    const at = await w.clients.public.getBlockNumber();
    const basket = await deployTestBasket(w, { symbols, targetBps: targets, genesisBps: genesis });
    // the deployment is the first transaction after `at` (anvil mines one per block)
    const [hash] = (await w.clients.public.getBlock({ blockNumber: at + 1n })).transactions;
    const deploy = (await w.clients.public.getTransactionReceipt({ hash: hash! })).gasUsed;
    assert.ok(deploy < BASKET_DEPLOY_GAS, `deployment ${deploy} within BASKET_DEPLOY_GAS`);
    const me = w.account.address;
    const first = await basketSend(w, basket, 'issue', [200n * E18, me]);
    const again = await basketSend(w, basket, 'issue', [10n * E18, me]);
    const newHolder = await basketSend(w, basket, 'issue', [10n * E18, ACCOUNT1], ACCOUNT1);
    const redeem = await basketSend(w, basket, 'redeem', [5n * E18, me]);
    await warp(w, 3600);
    await refreshFeeds(w);
    const legs = await legsToTarget(w, basket, symbols, targets);
    assert.equal(legs.length, n - 1);
    const rebalance = await basketSend(w, basket, 'rebalance', [legs, legs.map(() => 0n), await deadline(w)]);
    rows.push(
      `| ${n} | ${deploy} | ${first} | ${again} | ${newHolder} | ${redeem} | ${rebalance} (${n - 1} v2 legs) |`,
    );
  }
  console.log(
    [
      '| assets | deploy (with BasketPools) | first issue (genesis) | issue (holder) | issue (new holder) | redeem | rebalance |',
      '|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n'),
  );
});

test('gas of a one-leg rebalance through each pool kind (v2, v3, Balancer, v4)', async () => {
  const weth = tok(w, 'WETH');
  const usdc = tok(w, 'USDC');
  const pair = (p: { tokens: readonly string[] }) =>
    p.tokens.length === 2 && p.tokens.every((t) => [weth, usdc].some((x) => x.toLowerCase() === t.toLowerCase()));
  const bal = w.fx.pools.find((p) => p.protocol === 'balancer-weighted' && pair(p));
  const v4 = w.fx.v4Pools.find((p) => p.feePips === 3000 && pair(p));
  assert.ok(bal?.poolId && v4);
  const kinds: [string, BasketPool][] = [
    ['Uniswap v2', { kind: 0, tokenA: weth, tokenB: usdc, fee: 0, poolId: NO_POOL_ID }],
    ['Uniswap v3 0.05%', { kind: 1, tokenA: weth, tokenB: usdc, fee: 500, poolId: NO_POOL_ID }],
    ['Balancer weighted', { kind: 2, tokenA: weth, tokenB: usdc, fee: 0, poolId: bal.poolId }],
    ['Uniswap v4 0.3%', { kind: 4, tokenA: weth, tokenB: usdc, fee: 3000, poolId: v4PoolId(v4.tickSpacing) }],
  ];
  await refreshFeeds(w);
  const symbols = ['WETH', 'USDC'];
  const basket = await deployTestBasket(w, {
    symbols,
    targetBps: [5000, 5000],
    genesisBps: [6000, 4000],
    profile: { pools: kinds.map(([, p]) => p) },
  });
  await basketSend(w, basket, 'issue', [200n * E18, w.account.address]);
  await warp(w, 3600);
  await refreshFeeds(w);
  const [leg] = await legsToTarget(w, basket, symbols, [5000, 5000]);
  assert.ok(leg);
  const rows: string[] = [];
  for (const [name, p] of kinds) {
    const snap = await w.clients.test.snapshot();
    const l: BasketLeg = { ...leg, kind: p.kind, fee: p.fee, poolId: p.poolId };
    const gas = await basketSend(w, basket, 'rebalance', [[l], [0n], await deadline(w)]);
    await w.clients.test.revert({ id: snap });
    rows.push(`| ${name} | ${gas} |`);
  }
  console.log(['| one WETH → USDC leg through | rebalance gas |', '|---|---:|', ...rows].join('\n'));
});
