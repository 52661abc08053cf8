import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePortfolio } from '../config/parse.ts';
import { makePlanContext } from '../planner/context.ts';
import { universeOf } from '../universe.ts';
import { weightsInto } from '../valuation.ts';
import { costAwareKernel } from './costaware.ts';
import { decide, type TriggerBar } from './types.ts';

const config = parsePortfolio({ quote: 'USDT', target: { X: 0.5, USDT: 0.5 }, costs: { feeBps: 10 } }, 'test');
const ctx = makePlanContext(universeOf(config), config);
const f = 0.001;

// Returns +10% then −10%: sample variance ((0.1−0)² + (−0.1−0)²)/(2−1) = 0.02; the quote's is 0.
const seed = [100, 110, 99];
const qty = Float64Array.from([6, 406]);
const prices = Float64Array.from([99, 1]);
const w = new Float64Array(2);
const V = weightsInto(qty, prices, w); // 594 + 406 = 1000
const bar: TriggerBar = { time: 0, prevTime: Number.NaN, qty, prices, w, value: V };

// By hand: benefit(γ) = ½·γ·H·(0.594 − 0.5)²·0.02·V; the full plan sells X down to 0.5·V′ where
// V′ = V − f·(594 − 0.5V′), so V′ = (V − 594f)/(1 − 0.5f) and cost = V − V′.
const H = 30;
const benefitPerGamma = 0.5 * H * (0.594 - 0.5) ** 2 * 0.02 * V;
const Vp = (V - 594 * f) / (1 - 0.5 * f);
const cost = V - Vp;

function kernel(riskAversion: number) {
  const k = costAwareKernel(ctx, { riskAversion, horizon: H, lambda: 0.94, warmup: 2 });
  for (const p of seed) k.observe(Float64Array.from([p, 1]));
  return k;
}

describe('costaware trigger', () => {
  it('the hand computation is what the test thinks it is', () => {
    assert.equal(V, 1000);
    assert.ok(Math.abs(cost - f * (594 - 0.5 * Vp)) < 1e-12);
    assert.ok(benefitPerGamma > cost);
  });
  it('is quiet during warm-up and exposes no covariance', () => {
    const k = costAwareKernel(ctx, { riskAversion: 1e9, horizon: H, lambda: 0.94, warmup: 2 });
    k.observe(Float64Array.from([100, 1]));
    k.observe(Float64Array.from([110, 1]));
    assert.equal(k.check(bar), -1);
    assert.equal(k.covariance(), null);
    assert.match(decide(k, bar).reason, /warming up \(1 of 2 returns seen\)/);
  });
  it('covariance is the seeded sample covariance', () => {
    const c = kernel(1).covariance()!;
    assert.ok(Math.abs(c[0]! - 0.02) < 1e-15);
    assert.deepEqual([c[1], c[2], c[3]], [0, 0, 0]);
  });
  it('fires exactly when ½γH(w−t)ᵀΣ(w−t)V > the full plan cost', () => {
    const gStar = cost / benefitPerGamma;
    assert.equal(kernel(gStar * (1 + 1e-9)).check(bar), ctx.u.n);
    assert.equal(kernel(gStar * (1 - 1e-9)).check(bar), -1);
    assert.equal(kernel(1).check(bar), ctx.u.n);
  });
  it('the reason prints both numbers', () => {
    const yes = decide(kernel(1), bar);
    assert.equal(yes.rebalance, true);
    assert.equal(yes.reason, `costaware: benefit ${benefitPerGamma.toFixed(2)} > cost ${cost.toFixed(2)} USDT`);
    const no = decide(kernel(0.001), bar);
    assert.equal(no.rebalance, false);
    assert.equal(
      no.reason,
      `costaware: benefit ${(0.001 * benefitPerGamma).toFixed(2)} ≤ cost ${cost.toFixed(2)} USDT`,
    );
  });
  it('at the target there is no benefit and nothing fires', () => {
    const q2 = Float64Array.from([500 / 99, 500]);
    const w2 = new Float64Array(2);
    const v2 = weightsInto(q2, prices, w2);
    const k = kernel(1e6);
    assert.equal(k.check({ ...bar, qty: q2, w: w2, value: v2 }), -1);
    assert.match(decide(k, { ...bar, qty: q2, w: w2, value: v2 }).reason, /the full plan has no trade$/);
  });
});
