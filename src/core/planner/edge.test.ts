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

describe('edge plan', () => {
  it('each non-quote entry outside its band goes to the nearer edge, on pre-trade value', () => {
    const d = edge([500, 300, 200]); // w 0.5 > 0.45 → 0.45; 0.3 < 0.35 → 0.35
    near(d[0]!, -50);
    near(d[1]!, 50);
    assert.equal(d[2], 0, 'the quote only takes the cash flow');
  });
  it('entries inside (or on) their band do not trade', () => {
    assert.deepEqual(edge([440, 360, 200]), [0, 0, 0]);
    const d = edge([450, 350, 200]);
    near(d[0]!, 0, 1e-12);
    near(d[1]!, 0, 1e-12);
  });
  it('the lower edge is clamped at 0; a non-finite band means no trade', () => {
    const wide = Float64Array.from([0.5, 0.05, Number.POSITIVE_INFINITY]);
    const d = edge([950, 0, 50], free, wide); // BTC 0.95 > 0.9 → 0.9; ETH 0 < 0.35 → 0.35
    near(d[0]!, -50);
    near(d[1]!, 350);
    const none = Float64Array.from([Number.NaN, 0.05, Number.POSITIVE_INFINITY]);
    assert.equal(edge([950, 0, 50], free, none)[0], 0);
  });
  it('quote above its band: non-quote holdings move pro rata until the quote sits on its upper edge', () => {
    // BTC 0.24 → 0.35 (+110), ETH 0.36 inside; the quote would be 0.29 > 0.25: 40 more, pro rata to 350:360.
    const d = edge([240, 360, 400]);
    near(d[0]!, 110 + (40 * 350) / 710);
    near(d[1]!, (40 * 360) / 710);
    near(400 - d[0]! - d[1]!, 250);
  });
  it('quote below its band: sells pro rata until the quote sits on its lower edge', () => {
    const d = edge([475, 475, 50]); // both → 0.45 (−25 each), quote 0.1 < 0.15 → 25 more each
    near(d[0]!, -50);
    near(d[1]!, -50);
  });
  it('with costs, the quote lands on its edge net of the costs it pays', () => {
    const d = edge([240, 360, 400], fee);
    let cost = 0;
    for (let i = 0; i < 2; i++) cost += orderCost(fee, i, d[i]!, d[i]! < 0 ? -1 : 1);
    near((400 - d[0]! - d[1]! - cost) / 1000, 0.25, 1e-12);
    // The pro-rata part keeps the post-edge proportions 350:360.
    near((d[0]! - 110) / d[1]!, 350 / 360, 1e-6);
  });
  it('an empty portfolio plans nothing', () => {
    assert.deepEqual(edge([0, 0, 0]), [0, 0, 0]);
  });
});
