import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeCostModel } from '../costs.ts';
import { makeUniverse } from '../universe.ts';
import { applyConstraints, planFullFast } from './constraints.ts';
import { makePlanContext, PlanBuffers } from './context.ts';
import { newtonStep, solveFullValue } from './full.ts';
import { planInto } from './plan.ts';

const snapshot = (b: PlanBuffers) => ({
  dq: [...b.dq],
  notional: [...b.notional],
  cost: [...b.cost],
  want: [...b.want],
  skip: [...b.skip],
  totalCost: b.totalCost,
  valueAfter: b.valueAfter,
  scale: b.scale,
  mode: b.mode,
});

const entry = fc.record({
  w: fc.integer({ min: 0, max: 40 }),
  // holdings on target, a hair off it (breakpoints near V), well off it, or none
  off: fc.oneof(
    fc.constant(0),
    fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
    fc.double({ min: -1, max: 2, noNaN: true }),
  ),
  feeBps: fc.constantFrom(0, 1, 10, 47.5, 300),
  price: fc.double({ min: 1e-4, max: 1e5, noNaN: true }),
});

describe('the fused full plan (Newton steps, each with one pass)', () => {
  it('gives the numbers of the general composition: solve V′, tᵢV′ − hᵢ, then applyConstraints', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        (es, wq, cashShare) => {
          const total = es.reduce((s, e) => s + e.w, 0) + wq;
          fc.pre(total > 0);
          const target: Record<string, number> = { Q: wq / total };
          const assets: Record<string, { feeBps: number }> = {};
          es.forEach((e, i) => {
            target[`A${i}`] = e.w / total;
            assets[`A${i}`] = { feeBps: e.feeBps };
          });
          const u = makeUniverse('Q', target);
          const costs = { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets };
          const ctx = makePlanContext(u, { costs, constraints: { assets: {} }, trigger: undefined });
          assert.equal(ctx.costs.proportional && ctx.constraints.none, true);
          const n = u.n;
          const prices = new Float64Array(n).fill(1);
          const qty = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const a = u.assets[i]!;
            if (a === 'Q') continue;
            const e = es[Number(a.slice(1))]!;
            prices[i] = e.price;
            qty[i] = Math.max(0, (1e6 * u.target[i]! * (1 + e.off)) / e.price);
          }
          qty[u.quoteIndex] = 1e6 * cashShare * u.target[u.quoteIndex]!;
          const fused = new PlanBuffers(n);
          planInto(ctx, qty, prices, 'full', fused);
          // The general composition, by hand.
          const ref = new PlanBuffers(n);
          let V = 0;
          for (let i = 0; i < n; i++) {
            ref.h[i] = qty[i]! * prices[i]!;
            V += ref.h[i]!;
          }
          ref.value = V;
          const vp = solveFullValue(makeCostModel(u, costs), u.target, ref.h, u.quoteIndex, V, ref.bp);
          for (let i = 0; i < n; i++) ref.d[i] = i === u.quoteIndex ? 0 : u.target[i]! * vp - ref.h[i]!;
          applyConstraints(ctx, qty, prices, ref);
          ref.mode = 'full';
          assert.deepEqual(snapshot(fused), snapshot(ref));
        },
      ),
      { numRuns: 600 },
    );
  });
  it('a first step that crosses a breakpoint: the next step and its pass land on the exact root', () => {
    // A sells ~100, B buys ~100 at 1% fees (V′ ≈ V − 2); C is 0.5 under its target, so its breakpoint
    // h_C/t_C = 998.33 lies between V′ and V = 1000: a buy at V, a sell at V′. The quote keeps 10%.
    const u = makeUniverse('Q', { A: 0.3, B: 0.3, C: 0.3, Q: 0.1 });
    const costs = { feeBps: 100, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} };
    const ctx = makePlanContext(u, { costs, constraints: { assets: {} }, trigger: undefined });
    const qty = Float64Array.from([400, 200, 299.5, 100.5]);
    const prices = Float64Array.from([1, 1, 1, 1]);
    const q = u.quoteIndex;
    assert.equal(q, 3);
    const step = newtonStep(ctx.costs.rate, u.target, qty, q, 1000, 1000);
    assert.ok(0.3 * 1000 - 299.5 > 0 && 0.3 * step - 299.5 < 0, `the first step (${step}) crosses C's breakpoint`);
    const buf = new PlanBuffers(4);
    buf.h.set(qty);
    buf.value = 1000;
    assert.equal(planFullFast(ctx, u.target, qty, prices, buf), true);
    // g(V′) = 0 on the segment where A and C sell and B buys.
    const vp = 1000 - buf.totalCost;
    const g = vp - 1000 + 0.01 * (400 - 0.3 * vp) + 0.01 * (0.3 * vp - 200) + 0.01 * (299.5 - 0.3 * vp);
    assert.ok(Math.abs(g) < 1e-9, `g(V′) = ${g}`);
    assert.ok(buf.dq[2]! < 0, 'C sells at V′');
  });
});
