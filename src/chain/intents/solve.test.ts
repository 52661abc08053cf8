/** The solver on anvil with the real GPv2Settlement (issue #24): a 0-ETH wallet's sell order settled alone. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type IntentWorld, sellOrder, signAndPost, startIntentWorld } from './testing/world.ts';

describe('solver: one order settled alone on the real GPv2Settlement', () => {
  let w: IntentWorld;
  before(async () => {
    w = await startIntentWorld();
  });
  after(() => w?.close());

  it('simulates by default, then settles from the solver; the 0-ETH owner receives at least its limit', async () => {
    const weth = w.token('WETH');
    const usdc = w.token('USDC');
    const owner = await w.owner({ WETH: 2n * 10n ** 18n });
    assert.equal(await w.client.getBalance({ address: owner.address }), 0n);
    const order = await sellOrder(w, 'WETH', 'USDC', 10n ** 18n);
    const uid = await signAndPost(w, owner, order);
    const [sim] = await w.solve(false);
    assert.equal(sim?.status, 'simulated', sim?.reason);
    assert.equal(await w.balance(usdc.address, owner.address), 0n, 'a simulation sends nothing');
    const [res] = await w.solve(true);
    assert.equal(res?.status, 'settled', res?.reason);
    assert.equal(res.uid, uid);
    const got = await w.balance(usdc.address, owner.address);
    assert.equal(got, res.executedBuy);
    assert.ok(got >= order.buyAmount, `${got} ≥ limit ${order.buyAmount}`);
    assert.equal(await w.balance(weth.address, owner.address), 10n ** 18n);
    assert.equal(await w.client.getBalance({ address: owner.address }), 0n, 'the owner never held ETH');
    // the gas limit is the estimate plus 20% (an estimate alone ran out of gas inside a settlement on chain)
    const tx = await w.client.getTransaction({ hash: res.txHash! });
    const estimate = (tx.gas * 10n) / 12n;
    assert.ok(estimate >= res.gasUsed!, `limit ${tx.gas} = 1.2 × an estimate ≥ the ${res.gasUsed} used`);
    assert.ok(tx.gas * 10n >= res.gasUsed! * 12n, `limit ${tx.gas} has 20% over the ${res.gasUsed} used`);
    // replayed: the same settle calldata again reverts (the order is filled)
    await assert.rejects(
      w.client.call({ account: w.fx.solver, to: w.fx.contracts.gpv2Settlement, data: res.calldata! }),
      /GPv2: order filled/,
    );
  });
});
