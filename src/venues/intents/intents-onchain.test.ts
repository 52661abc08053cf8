/**
 * The intent venue on anvil with the real GPv2Settlement (issue #24 tests): every executed price meets its
 * order's limit (property over random orders), a cancelled order is never filled (both paths), a 0-ETH
 * wallet ends at its target, and kill -9 between signing and settlement never yields two orders for one
 * intent (real processes). INTENT_PROPERTY_RUNS (default 6) and INTENT_KILL_TRIALS (default 3) size them.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseEther } from 'viem';
import { settleArgs } from '../../chain/intents/solve.ts';
import { type IntentWorld, sellOrder, signAndPost, startIntentWorld } from '../../chain/intents/testing/world.ts';
import { appDataOf } from '../../dex/intents/gpv2-order.ts';
import { createIntentsVenue } from './config.ts';
import { intentsConfig } from './testing/config.ts';

const RUNS = Number(process.env.INTENT_PROPERTY_RUNS ?? 6);
const KILLS = Number(process.env.INTENT_KILL_TRIALS ?? 3);
const clock = { now: () => 0 };

describe('intent venue on the real GPv2Settlement', () => {
  let w: IntentWorld;
  before(async () => {
    w = await startIntentWorld();
  });
  after(() => w?.close());

  it('every executed price is at least its order’s limit (random sell orders, settled alone)', async () => {
    const pairs = [
      ['WETH', 'USDC'],
      ['USDC', 'WETH'],
      ['WBTC', 'USDT'],
      ['LINK', 'DAI'],
      ['DAI', 'UNI'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...pairs),
        fc.integer({ min: 50, max: 200_000 }),
        fc.integer({ min: 20, max: 300 }),
        fc.boolean(),
        async ([s, b], usd, slip, partial) => {
          const t = w.token(s);
          const total = (BigInt(usd) * 10n ** BigInt(t.decimals) * 1000n) / BigInt(Math.round(t.priceUsd * 1000));
          const owner = await w.owner({ [s]: total });
          const order = await sellOrder(w, s, b, total, { slippageBps: slip, partiallyFillable: partial });
          const uid = await signAndPost(w, owner, order);
          // this run's order only: an earlier run's order left open (skipped on a loaded machine) may settle now
          const outcomes = (await w.solve(true)).filter((x) => x.uid === uid);
          for (const o of outcomes.filter((x) => x.status === 'settled')) {
            // executed price ≥ limit ⟺ executedBuy · sellAmount ≥ buyAmount · executedSell
            assert.ok(o.executedBuy! * order.sellAmount >= order.buyAmount * o.executedSell!, `${s}→${b} ${usd} USD`);
            assert.equal(await w.balance(w.token(b).address, owner.address), o.executedBuy);
          }
          // a reverted settlement names its failing call (the node's trace): the message says why, not only that
          const reverted = outcomes.filter((x) => x.status === 'reverted').map((x) => x.reason);
          assert.deepEqual(reverted, [], `${s}→${b} ${usd} USD, slippage ${slip} bps, partial ${partial}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('cancelled on chain (invalidateOrder, wallet with ETH): never filled, and a settle of it reverts', async () => {
    const owner = await w.owner({ WETH: parseEther('1') });
    (await w.node.rpcUrl) &&
      w.client.request({ method: 'anvil_setBalance' as never, params: [owner.address, '0xDE0B6B3A7640000'] as never });
    const v = createIntentsVenue(intentsConfig(w, { cancel: 'auto' }), {
      clock,
      env: { INTENT_WALLET_KEY: owner.key },
    });
    const req = {
      clientOrderId: 'cxon1',
      asset: 'WETH',
      quote: 'USDC',
      side: 'sell' as const,
      quantity: 0.5,
      type: 'limit' as const,
      limitPrice: 2900,
      referencePrice: 3000,
    };
    assert.equal((await v.place(req)).status, 'open');
    const entry = (await w.bookClient.byIntent(appDataOf('cxon1')))!;
    const c = await v.cancel('cxon1');
    assert.equal(c.status, 'canceled');
    assert.equal(c.reason, 'invalidated on chain');
    const seen = (await w.solve(true)).filter((o) => o.uid === entry.uid);
    assert.deepEqual(seen, [], 'withdrawn from the book too: the solver never sees it');
    // a solver holding the signed order anyway cannot settle it
    const fill = {
      entry,
      executedSell: entry.order.sellAmount,
      executedBuy: entry.order.buyAmount,
      fee: entry.order.feeAmount,
      executedAmount: 0n,
      route: { legs: [] } as never,
    };
    const a = settleArgs([fill], w.fx, 2n ** 32n);
    const { encodeFunctionData } = await import('viem');
    const { settlementAbi } = await import('../../chain/intents/solve.ts');
    const data = encodeFunctionData({
      abi: settlementAbi,
      functionName: 'settle',
      args: [a.tokens, a.prices, a.trades, a.interactions],
    });
    // invalidateOrder set filledAmount to uint256(-1): adding the fill overflows (the settlement's SafeMath)
    await assert.rejects(
      w.client.call({ account: w.fx.solver, to: w.fx.contracts.gpv2Settlement, data }),
      /SafeMath: addition overflow/,
    );
    assert.equal((await v.lookup('cxon1')).filledQuantity, 0);
  });

  it('cancelled off chain (wallet without ETH): withdrawn, never settled, and refused after validTo', async () => {
    const owner = await w.owner({ WETH: parseEther('1') });
    const v = createIntentsVenue(intentsConfig(w, { deadlineSec: 60 }), {
      clock,
      env: { INTENT_WALLET_KEY: owner.key },
    });
    const req = {
      clientOrderId: 'cxoff1',
      asset: 'WETH',
      quote: 'USDC',
      side: 'sell' as const,
      quantity: 0.5,
      type: 'limit' as const,
      limitPrice: 2900,
      referencePrice: 3000,
    };
    assert.equal((await v.place(req)).status, 'open');
    const c = await v.cancel('cxoff1');
    assert.equal(c.status, 'canceled');
    assert.equal(c.reason, 'withdrawn from the order book');
    assert.equal(await w.client.getBalance({ address: owner.address }), 0n);
    const entry = (await w.bookClient.byIntent(appDataOf('cxoff1')))!;
    assert.deepEqual(
      (await w.solve(true)).filter((o) => o.uid === entry.uid),
      [],
    );
    // past validTo, even a solver holding the signature cannot settle it
    await w.client.request({ method: 'evm_increaseTime' as never, params: [120] as never });
    await w.client.request({ method: 'evm_mine' as never, params: [] as never });
    const fill = {
      entry,
      executedSell: entry.order.sellAmount,
      executedBuy: entry.order.buyAmount,
      fee: entry.order.feeAmount,
      executedAmount: 0n,
      route: { legs: [] } as never,
    };
    const a = settleArgs([fill], w.fx, 2n ** 32n);
    const { encodeFunctionData } = await import('viem');
    const { settlementAbi } = await import('../../chain/intents/solve.ts');
    const data = encodeFunctionData({
      abi: settlementAbi,
      functionName: 'settle',
      args: [a.tokens, a.prices, a.trades, a.interactions],
    });
    await assert.rejects(
      w.client.call({ account: w.fx.solver, to: w.fx.contracts.gpv2Settlement, data }),
      /GPv2: order expired/,
    );
    assert.equal(await w.balance(w.token('WETH').address, owner.address), parseEther('1'));
  });

  it('a wallet holding 0 ETH ends at its target (50/50 WETH/USDC from all WETH), through signed orders only', async () => {
    const owner = await w.owner({ WETH: parseEther('2') });
    const { runSolver } = await import('../../chain/intents/service.ts');
    const loop = runSolver(w.solver, { send: true, intervalMs: 100 });
    try {
      const v = createIntentsVenue(intentsConfig(w, { waitMs: 30_000, pollMs: 100 }), {
        clock,
        env: { INTENT_WALLET_KEY: owner.key },
      });
      const [p] = await v.prices(['WETH'], 'USDC');
      const before = await v.balances();
      const value = before.WETH! * p!.price;
      const sell = before.WETH! / 2;
      const s = await v.place({
        clientOrderId: 'target1',
        asset: 'WETH',
        quote: 'USDC',
        side: 'sell',
        quantity: sell,
        type: 'market',
        referencePrice: p!.price,
      });
      assert.equal(s.status, 'filled');
      const after = await v.balances();
      const wWeth = (after.WETH! * p!.price) / (after.WETH! * p!.price + after.USDC!);
      assert.ok(Math.abs(wWeth - 0.5) < 0.01, `WETH weight ${wWeth} within 1 point of 0.5 (value ${value})`);
      assert.equal(await w.client.getBalance({ address: owner.address }), 0n, 'never held ETH');
    } finally {
      await loop.stop();
    }
  });

  it('a large sell is partially fillable: filled in part at its limit, the rest withdrawn, the remainder left as drift', async () => {
    const owner = await w.owner({ WETH: parseEther('3000') });
    const { runSolver } = await import('../../chain/intents/service.ts');
    const loop = runSolver(w.solver, { send: true, intervalMs: 100 });
    try {
      const cfg = intentsConfig(w, { waitMs: 10_000, pollMs: 100, maxSlippageBps: 30, partialAboveNotional: 10_000 });
      const v = createIntentsVenue(cfg, { clock, env: { INTENT_WALLET_KEY: owner.key } });
      const s = await v.place({
        clientOrderId: 'big1',
        asset: 'WETH',
        quote: 'USDC',
        side: 'sell',
        quantity: 3000,
        type: 'market',
        referencePrice: 3000,
      });
      const entry = (await w.bookClient.byIntent(appDataOf('big1')))!;
      assert.equal(entry.order.partiallyFillable, true);
      assert.equal(s.status, 'canceled', 'the unfilled rest is withdrawn when the wait ends');
      assert.ok(s.filledQuantity > 0 && s.filledQuantity < 3000, `filled ${s.filledQuantity} of 3000`);
      for (const f of s.fills) assert.ok(f.price >= 3000 * (1 - 0.003) - 1e-9, `fill at ${f.price} ≥ limit`);
      // what was not sold is still in the wallet: the next cycle's plan sees it as drift
      const b = await v.balances();
      assert.ok(Math.abs(b.WETH! - (3000 - s.filledQuantity - s.fills.reduce((a, f) => a + f.fee, 0))) < 1e-9);
    } finally {
      await loop.stop();
    }
  });

  it('kill -9 between signing and settlement never yields two orders for one intent (real processes)', async () => {
    for (let trial = 0; trial < KILLS; trial++) {
      const owner = await w.owner({ WETH: parseEther('1') });
      const cfg = intentsConfig(w, { waitMs: 60_000, pollMs: 50 });
      const id = `kill${trial}x${Date.now() % 100000}`;
      const req = {
        clientOrderId: id,
        asset: 'WETH',
        quote: 'USDC',
        side: 'sell',
        quantity: 0.25,
        type: 'market',
        referencePrice: 3000,
      };
      const child = (kill: boolean) =>
        new Promise<string>((resolve) => {
          const p = spawn(
            process.execPath,
            [
              '--import',
              'tsx',
              join(import.meta.dirname, 'testing', 'place-child.ts'),
              JSON.stringify(cfg),
              JSON.stringify(req),
            ],
            {
              env: { ...process.env, INTENT_WALLET_KEY: owner.key },
            },
          );
          let out = '';
          p.stdout.on('data', (b: Buffer) => {
            out += b.toString();
            // somewhere between signing and waiting for settlement: 0–300 ms after it starts placing
            if (kill && out.includes('placing')) setTimeout(() => p.kill('SIGKILL'), Math.floor(Math.random() * 300));
          });
          p.on('close', () => resolve(out));
        });
      await child(true);
      // restarted: the same intent placed again, while the solver now runs
      const { runSolver } = await import('../../chain/intents/service.ts');
      const loop = runSolver(w.solver, { send: true, intervalMs: 100 });
      try {
        const out = await child(false);
        assert.match(out, /"status":"filled"/);
      } finally {
        await loop.stop();
      }
      const all = (await w.bookClient.list()).filter((e) => e.order.appData === appDataOf(id));
      assert.equal(all.length, 1, 'one order for the intent');
      // sold once: 0.25 WETH left the wallet (fee included), never 0.5
      assert.equal(await w.balance(w.token('WETH').address, owner.address), parseEther('0.75'));
    }
  });
});
