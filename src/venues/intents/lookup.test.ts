/**
 * The intent venue's lookups on anvil (issue #24's two known defects of part 1, fixed): the settlement's
 * Trade events are scanned from the block the order was signed at (kept in the book with the order), a
 * wrong hint costs a second scan from block 0 but never a fill, and a fill's time is the injected clock's
 * when the venue first saw it, the same on every later lookup. The node is behind a recording RPC proxy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseEther } from 'viem';
import { type RpcProxy, startRpcProxy } from '../../../test/support/rpc-proxy.ts';
import { type IntentWorld, sellOrder, startIntentWorld } from '../../chain/intents/testing/world.ts';
import { appDataOf, gpv2Domain } from '../../dex/intents/gpv2-order.ts';
import { signOrder } from '../../dex/intents/sign.ts';
import { createIntentsVenue } from './config.ts';
import { intentsConfig } from './testing/config.ts';

describe('intent venue lookups', () => {
  let w: IntentWorld;
  let proxy: RpcProxy;
  before(async () => {
    w = await startIntentWorld();
    proxy = await startRpcProxy(w.fx.rpcUrl);
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  const fromBlocks = () =>
    proxy.seen
      .filter((r) => r.method === 'eth_getLogs')
      .map((r) => BigInt((r.params[0] as { fromBlock: string }).fromBlock));

  it('scan Trade events from the block the order was signed at; fill times from the clock, fixed at first sight', async () => {
    const owner = await w.owner({ WETH: parseEther('1') });
    let t = 1_000;
    const clock = { now: () => t };
    const v = createIntentsVenue(intentsConfig(w, { rpcUrl: proxy.url }), {
      clock,
      env: { INTENT_WALLET_KEY: owner.key },
    });
    const head = await w.client.getBlockNumber({ cacheTime: 0 });
    const placed = await v.place({
      clientOrderId: 'hint1',
      asset: 'WETH',
      quote: 'USDC',
      side: 'sell',
      quantity: 0.5,
      type: 'limit',
      limitPrice: 2900,
      referencePrice: 3000,
    });
    assert.equal(placed.status, 'open');
    const entry = (await w.bookClient.byIntent(appDataOf('hint1')))!;
    assert.equal(entry.block, Number(head), 'the book keeps the block the order was signed at');
    assert.deepEqual(fromBlocks(), [], 'nothing filled yet: no event scan at all');
    const settled = (await w.solve(true)).filter((o) => o.uid === entry.uid);
    assert.equal(settled[0]?.status, 'settled');
    t = 2_000;
    const first = await v.lookup('hint1');
    assert.equal(first.status, 'filled');
    assert.equal(first.fills.length, 1);
    assert.equal(first.fills[0]!.time, 2_000, 'the injected clock, when the fill was first seen');
    assert.deepEqual(fromBlocks(), [BigInt(head)], 'one scan, from the signing block');
    t = 9_000;
    const again = await v.lookup('hint1');
    assert.deepEqual(again.fills, first.fills, 'the same fill, the same time, on every lookup');
  });

  it('every configured token trades against the quote: `rules` only adds a lot step or a minimum', async () => {
    const v = createIntentsVenue(intentsConfig(w, { rules: {} }), {
      clock: { now: () => 0 },
      env: { INTENT_WALLET_KEY: `0x${'33'.repeat(32)}` },
    });
    assert.deepEqual(await v.rules(['WETH', 'USDC', 'LINK'], 'USDC'), [
      { asset: 'WETH', minQuantity: 0, tickSize: 0, lotStep: 0, minNotional: 0 },
    ]);
    assert.deepEqual(await v.rules(['WETH'], 'WETH'), [], 'only against the venue’s quote');
  });

  it('a wrong hint (past the settlement) costs a second scan from block 0, never a fill', async () => {
    const owner = await w.owner({ WETH: parseEther('1') });
    const order = await sellOrder(w, 'WETH', 'USDC', parseEther('0.5'), { intent: 'badhint1' });
    const s = await signOrder(owner, order, gpv2Domain(w.fx.chainId, w.fx.contracts.gpv2Settlement));
    // someone posts the owner's signed order first, with a block far in the future
    await w.bookClient.post(s.order, s.owner, s.signature, 10n ** 9n);
    assert.equal((await w.solve(true)).find((o) => o.uid === s.uid)?.status, 'settled');
    await w.client.request({ method: 'evm_mine' as never, params: [] as never }); // the head moves past the settlement
    proxy.seen.length = 0;
    const v = createIntentsVenue(intentsConfig(w, { rpcUrl: proxy.url }), {
      clock: { now: () => 5 },
      env: { INTENT_WALLET_KEY: owner.key },
    });
    const r = await v.lookup('badhint1');
    assert.equal(r.status, 'filled');
    assert.equal(r.fills.length, 1);
    assert.ok(Math.abs(r.filledQuantity - Number(order.sellAmount) / 1e18) < 1e-12, `${r.filledQuantity}`);
    const head = await w.client.getBlockNumber({ cacheTime: 0 });
    assert.deepEqual(fromBlocks(), [head, 0n], 'the hint, clamped to the head, then from block 0');
  });
});
