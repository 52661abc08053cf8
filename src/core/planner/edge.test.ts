import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCostModel, orderCost } from '../costs.ts';
import { makeUniverse } from '../universe.ts';
import { edgeNotionals } from './edge.ts';

// BTC 0.4, ETH 0.4, USDT 0.2 (index 2), band 0.05 everywhere.
const u = makeUniverse('USDT', { BTC: 0.4, ETH: 0.4, USDT: 0.2 });
const free = makeCostModel(u, { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} });
const fee = makeCostModel(u, { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} });
const b = Float64Array.from([0.05, 0.05, 0.05]);

function edge(h: number[], m = free, hw = b): number[] {
  const d = new Float64Array(3);
  const hh = Float64Array.from(h);
  edgeNotionals(m, u.target, hw, hh, 2, h[0]! + h[1]! + h[2]!, d);
  return [...d];
}
const near = (a: number, x: number, tol = 1e-9) => assert.ok(Math.abs(a - x) <= tol, `${a} vs ${x}`);

// Aims: 1 bp (EDGE_MARGIN) inside the nearer edge, on the post-trade, post-cost value (issue #16 item 2).
describe('edge plan', () => {
  it('each non-quote entry outside its band goes to 1 bp inside its nearer edge', () => {
    const d = edge([500, 300, 200]); // w 0.5 > 0.45 → 0.4499; 0.3 < 0.35 → 0.3501
    near(d[0]!, -50.1);
    near(d[1]!, 50.1);
    assert.equal(d[2], 0, 'the quote only takes the cash flow');
  });
  it('entries inside (or on) their band do not trade', () => {
    assert.deepEqual(edge([440, 360, 200]), [0, 0, 0]);
    // BTC on its upper edge (0.45 − 0.4 rounds below 0.05); ETH just inside.
    assert.deepEqual(edge([450, 351, 199]), [0, 0, 0]);
  });
  it('the lower edge is clamped at 0; a non-finite band means no trade', () => {
    const wide = Float64Array.from([0.5, 0.05, Number.POSITIVE_INFINITY]);
    const d = edge([950, 0, 50], free, wide); // BTC 0.95 > 0.9 → 0.8999; ETH 0 < 0.35 → 0.3501
    near(d[0]!, -50.1);
    near(d[1]!, 350.1);
    const none = Float64Array.from([Number.NaN, 0.05, Number.POSITIVE_INFINITY]);
    assert.equal(edge([950, 0, 50], free, none)[0], 0);
  });
  it('quote above its band: non-quote holdings move pro rata until the quote sits 1 bp inside its upper edge', () => {
    // BTC 0.24 → 0.3501 (+110.1), ETH 0.36 inside; the quote would be 0.2899 > 0.25: 40 more, pro rata 350.1:360.
    const d = edge([240, 360, 400]);
    near(d[0]!, 110.1 + (40 * 350.1) / 710.1);
    near(d[1]!, (40 * 360) / 710.1);
    near(400 - d[0]! - d[1]!, 249.9);
  });
  it('quote below its band: sells pro rata until the quote sits 1 bp inside its lower edge', () => {
    const d = edge([475, 475, 50]); // both → 0.4499 (−25.1 each), quote 0.1002 < 0.15 → 49.9 more, half each
    near(d[0]!, -50.05);
    near(d[1]!, -50.05);
  });
  it('pro rata stops at each entry’s own aim: the rest goes to the entries with room', () => {
    // Bands 0.05, 0.2, 0.05. BTC 0.4495 has 0.4 of room below its aim 0.4499; ETH 0.28 is inside its wide
    // band; the quote 0.2705 > 0.25 must come down to 0.2499: 20.6 to buy, BTC takes 0.4, ETH the rest.
    const d = edge([449.5, 280, 270.5], free, Float64Array.from([0.05, 0.2, 0.05]));
    near(d[0]!, 0.4);
    near(d[1]!, 20.2);
  });
  it('with costs, weights are measured on the post-cost value: the quote lands 1 bp inside its edge of V′', () => {
    const d = edge([240, 360, 400], fee);
    let cost = 0;
    for (let i = 0; i < 2; i++) cost += orderCost(fee, i, d[i]!, d[i]! < 0 ? -1 : 1);
    const vp = 1000 - cost;
    near((400 - d[0]! - d[1]! - cost) / vp, 0.2499, 1e-12);
    // Nothing ends outside its band on V′, so the trigger does not fire again at these prices.
    for (const [i, hi] of [
      [0, 240],
      [1, 360],
    ] as const)
      assert.ok(Math.abs((hi + d[i]!) / vp - 0.4) <= 0.05, `entry ${i}: ${(hi + d[i]!) / vp}`);
  });
  it('lot steps widen the margin: 1 bp plus one lot of every entry', () => {
    const d = new Float64Array(3);
    // Lots worth 2 and 3 (0.5% of V): the aims sit 0.0001 + 0.005 inside the edges: 0.4449 and 0.3551.
    edgeNotionals(free, u.target, b, Float64Array.from([500, 300, 200]), 2, 1000, d, Float64Array.from([2, 3, 0]));
    near(d[0]!, -55.1);
    near(d[1]!, 55.1);
  });
  it('an empty portfolio plans nothing', () => {
    assert.deepEqual(edge([0, 0, 0]), [0, 0, 0]);
  });
});
