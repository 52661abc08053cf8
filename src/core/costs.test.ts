import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flatFeeModel, makeCostModel, marginalCost, orderCost, withVenueCosts } from './costs.ts';
import { makeUniverse } from './universe.ts';

const u = makeUniverse('USDT', { BTC: 0.5, ETH: 0.3, USDT: 0.2 });
const costs = {
  feeBps: 10,
  halfSpreadBps: 2,
  impact: 0.5,
  fixedPerOrder: 1.5,
  assets: { BTC: { sigma: 0.03, adv: 2e10 }, ETH: { feeBps: 20 } },
};

describe('cost model', () => {
  it('fee + half-spread + impact·σ·√(q/ADV)·q + fixed, by hand', () => {
    const m = makeCostModel(u, costs);
    const q = 1_000_000;
    const expected = (12 / 1e4) * q + 0.5 * 0.03 * Math.sqrt(q / 2e10) * q + 1.5;
    assert.ok(Math.abs(orderCost(m, 0, q, 1) - expected) < 1e-9 * expected);
    assert.equal(orderCost(m, 0, -q, -1), orderCost(m, 0, q, 1), 'symmetric in the side');
    // ETH: per-asset fee override, no σ/ADV → no impact.
    assert.equal(orderCost(m, 1, 1000, 1), (22 / 1e4) * 1000 + 1.5);
    assert.equal(m.proportional, false);
  });
  it('a zero notional costs nothing, not even the fixed part; the quote has no rate or impact', () => {
    const m = makeCostModel(u, costs);
    assert.equal(orderCost(m, 0, 0, 1), 0);
    assert.equal(m.rate[2], 0);
    assert.equal(m.impactK[2], 0);
  });
  it('marginal cost is the derivative of the variable part', () => {
    const m = makeCostModel(u, costs);
    const q = 5e5;
    const h = 1e-3;
    const num = (orderCost(m, 0, q + h, 1) - orderCost(m, 0, q - h, 1)) / (2 * h);
    assert.ok(Math.abs(marginalCost(m, 0, q) - num) < 1e-6);
  });
  it('a flat fee model is proportional; a venue component makes it not', () => {
    const m = flatFeeModel(u, 10);
    assert.equal(m.proportional, true);
    assert.equal(orderCost(m, 1, 1000, -1), 1);
    const v = withVenueCosts(m, { name: 'gas', cost: () => 2 });
    assert.equal(v.proportional, false);
    assert.equal(orderCost(v, 1, 1000, -1), 3);
  });
});
