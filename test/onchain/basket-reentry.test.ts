/**
 * BallastBasket (issue #20): a token that re-enters on transfer cannot re-enter issue, redeem or rebalance. The
 * basket holds WETH and EVIL (TestQuirkyERC20: USDT-style, and it calls a hook on every transfer); EVIL has its own
 * feed and a v2 pair with WETH made by this test. With the hook calling back into the basket, each call reverts
 * ReentrancyGuardReentrantCall with nothing moved; without the hook the same calls succeed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, encodeFunctionData, parseAbi, zeroAddress } from 'viem';
import { NO_POOL_ID } from '../../src/chain/basket/artifact.ts';
import { ownArtifact } from '../../src/chain/contracts.ts';
import {
  abi,
  basketRevert,
  basketSend,
  deadline,
  deployTestBasket,
  legsToTarget,
  refreshFeeds,
  sendFrom,
  tok,
  warp,
} from './basket-world.ts';
import { balances, startWorld, type World } from './setup.ts';

const E18 = 10n ** 18n;
const SYMS = ['WETH', 'EVIL'] as const;
const quirkyAbi = parseAbi([
  'function mint(address to, uint256 amount)',
  'function setHook(address hook, bytes data)',
  'function transfer(address to, uint256 amount)',
]);
const factoryAbi = parseAbi(['function createPair(address a, address b) returns (address)']);
const pairAbi = parseAbi(['function mint(address to) returns (uint256)']);

let w: World;
let basket: Address;
let evil: Address;

before(async () => {
  w = await startWorld();
  const q = ownArtifact('TestQuirkyERC20');
  evil = await w.tx.deploy(q.abi, q.bytecode, ['Evil', 'EVIL', 18], 'EVIL');
  const f = ownArtifact('MockAggregatorV3');
  const feed = await w.tx.deploy(f.abi, f.bytecode, [8, 'EVIL / USD', 3000n * 10n ** 8n, 1n, 10n ** 20n], 'EVIL feed');
  (w.tokens as Map<string, { symbol: string; address: Address; decimals: number }>).set('EVIL', {
    symbol: 'EVIL',
    address: evil,
    decimals: 18,
  });
  (w.feeds as Record<string, { address: Address; heartbeatSec: number; marginSec: number }>).EVIL = {
    address: feed,
    heartbeatSec: 3600,
    marginSec: 60,
  };
  const me = w.account.address;
  await w.tx.call(evil, quirkyAbi, 'mint', [me, 10n ** 30n], 'mint EVIL');
  // a WETH/EVIL v2 pair at 1:1 (both $3000), 1,000 each
  const pair = (
    await w.clients.public.simulateContract({
      address: w.fx.contracts.uniswapV2Factory,
      abi: factoryAbi,
      functionName: 'createPair',
      args: [tok(w, 'WETH'), evil],
      account: me,
    })
  ).result;
  await w.tx.call(w.fx.contracts.uniswapV2Factory, factoryAbi, 'createPair', [tok(w, 'WETH'), evil], 'pair');
  await sendFrom(w, me, tok(w, 'WETH'), quirkyAbi, 'transfer', [pair, 1000n * E18]);
  await sendFrom(w, me, evil, quirkyAbi, 'transfer', [pair, 1000n * E18]);
  await w.tx.call(pair, pairAbi, 'mint', [me], 'pair mint');
  basket = await deployTestBasket(w, { symbols: SYMS, genesisBps: [3000, 7000] });
  await basketSend(w, basket, 'issue', [100n * E18, me]);
  await warp(w, 3600);
  await refreshFeeds(w);
  await w.tx.call(
    feed,
    parseAbi(['function setUpdatedAt(uint256)']),
    'setUpdatedAt',
    [(await w.clients.public.getBlock()).timestamp],
    'refresh EVIL',
  );
});
after(async () => {
  await w?.node.stop();
});

/** `fn(args)` from account 0 while EVIL's hook calls `reenter` on the basket: the error, and whether anything moved. */
async function withHook(fn: string, args: unknown[], reenter: string, reenterArgs: unknown[]) {
  const me = w.account.address;
  const assets = [tok(w, 'WETH'), evil];
  await w.tx.call(
    evil,
    quirkyAbi,
    'setHook',
    [basket, encodeFunctionData({ abi: abi(), functionName: reenter, args: reenterArgs })],
    'hook on',
  );
  try {
    const before = [
      ...(await balances(w.clients.public, me, assets)),
      ...(await balances(w.clients.public, basket, assets)),
    ];
    const why = await basketRevert(w, basket, fn, args);
    const r = await sendFrom(w, me, basket, abi(), fn, args);
    const after = [
      ...(await balances(w.clients.public, me, assets)),
      ...(await balances(w.clients.public, basket, assets)),
    ];
    return { why, status: r.status, moved: after.some((x, i) => x !== before[i]) };
  } finally {
    await w.tx.call(evil, quirkyAbi, 'setHook', [zeroAddress, '0x'], 'hook off');
  }
}

test('issue, redeem and rebalance: a token re-entering them (or reading previews/valuation) mid-call reverts with ReentrancyGuardReentrantCall, nothing moved', async () => {
  const me = w.account.address;
  const legs = await legsToTarget(w, basket, SYMS, [5000, 5000]);
  assert.equal(legs[0]?.tokenIn, evil, 'the rebalance sells EVIL (the basket transfers it)');
  const dl = await deadline(w, 3000n);
  const rebalanceArgs = [legs, legs.map(() => 0n), dl];
  const calls: [string, unknown[]][] = [
    ['issue', [E18, me]],
    ['redeem', [E18, me]],
    ['rebalance', rebalanceArgs],
  ];
  for (const [fn, args] of calls) {
    for (const [reenter, reArgs] of [
      ['issue', [E18, me]],
      ['redeem', [1n, me]],
      ['rebalance', rebalanceArgs],
      ['previewRedeem', [1n]], // the views refuse too: no mid-call state is ever read
      ['valuation', []],
    ] as const) {
      const r = await withHook(fn, args, reenter, [...reArgs]);
      assert.equal(r.why, 'ReentrancyGuardReentrantCall', `${fn} re-entered by ${reenter}`);
      assert.equal(r.status, 'reverted');
      assert.equal(r.moved, false);
    }
  }
  // a leg that BUYS the token: the hook fires inside the pair's transfer to the basket; the pair reports its own
  // error (UniswapV2: TRANSFER_FAILED), the re-entry is still refused and nothing moves
  const buy = [{ kind: 0, tokenIn: tok(w, 'WETH'), tokenOut: evil, fee: 0, poolId: NO_POOL_ID, amountIn: 10n ** 15n }];
  const r = await withHook('rebalance', [buy, [0n], dl], 'issue', [E18, me]);
  assert.equal(r.status, 'reverted');
  assert.equal(r.moved, false);
  assert.match(r.why, /TRANSFER_FAILED/);
  // a forged pool callback from a contract in the middle of a rebalance (the token's hook calls
  // uniswapV3SwapCallback while the basket pays a pool): refused, as from an account (basket-rebalance.test.ts)
  const forged = await withHook('rebalance', rebalanceArgs, 'uniswapV3SwapCallback', [10n ** 18n, 0n, '0x']);
  assert.equal(forged.why, 'ForgedCallback');
  assert.equal(forged.moved, false);
  // without the hook, the same calls go through

  for (const [fn, args] of calls) await basketSend(w, basket, fn, args);
});
