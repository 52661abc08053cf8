import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePortfolio } from '../config/parse.ts';
import { makeCostModel } from '../costs.ts';
import { makeUniverse, universeOf } from '../universe.ts';
import { NOISE } from './constraints.ts';
import { makePlanContext, PlanBuffers } from './context.ts';
import { solveBySort, solveFullValue } from './full.ts';
import { planInto } from './plan.ts';

/** A brute-force bisection of g(x) = x + Σ_non-quote fᵢ|tᵢx − hᵢ| − V on [0, V], to the last bit. */
function bisect(f: number[], t: number[], h: number[], q: number, V: number): number {
  const g = (x: number) => {
    let s = x - V;
    for (let i = 0; i < t.length; i++) if (i !== q) s += f[i]! * Math.abs(t[i]! * x - h[i]!);
    return s;
  };
  let lo = 0;
  let hi = V;
  for (let k = 0; k < 2000 && hi - lo > 0; k++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (g(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const near = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${a} vs ${b}`);

const entry = fc.record({
  w: fc.integer({ min: 0, max: 50 }),
  h: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true })),
  feeBps: fc.constantFrom(0, 0, 1, 10, 25, 100, 500),
});

describe('full plan value V′', () => {
  it('proportional fees: the exact segment solve matches a brute-force bisection to 1e-12·V', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 50 }), (es, wq) => {
        const total = es.reduce((s, e) => s + e.w, 0) + wq;
        fc.pre(total > 0);
        const target: Record<string, number> = {};
        const assets: Record<string, { feeBps: number }> = {};
        es.forEach((e, i) => {
          target[`A${i}`] = e.w / total;
          assets[`A${i}`] = { feeBps: e.feeBps };
        });
        target.Q = wq / total;
        const u = makeUniverse('Q', target);
        const m = makeCostModel(u, { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets });
        assert.equal(m.proportional, true);
        const h = Float64Array.from([...es.map((e) => e.h), 1000]);
        const V = h.reduce((s, x) => s + x, 0);
        const got = solveFullValue(m, u.target, h, u.quoteIndex, V, new Float64Array(u.n));
        const want = bisect([...m.rate], [...u.target], [...h], u.quoteIndex, V);
        assert.ok(Math.abs(got - want) <= 1e-12 * V, `${got} vs ${want} (V ${V})`);
      }),
      { numRuns: 500 },
    );
  });
  it("proportional fees: Newton's steps land on the same segment as the sorted-breakpoint search", () => {
    // Holdings near their targets (breakpoints close to V, where Newton must cross several) and far off.
    const near = fc.record({
      w: fc.integer({ min: 1, max: 50 }),
      off: fc.oneof(
        fc.constant(0),
        fc.double({ min: -0.01, max: 0.01, noNaN: true }),
        fc.double({ min: -1, max: 3, noNaN: true }),
      ),
      feeBps: fc.constantFrom(0, 1, 10, 25, 100, 500),
    });
    fc.assert(
      fc.property(
        fc.array(near, { minLength: 1, maxLength: 30 }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (es, cash) => {
          const total = es.reduce((s, e) => s + e.w, 0);
          const target: Record<string, number> = {};
          const assets: Record<string, { feeBps: number }> = {};
          es.forEach((e, i) => {
            target[`A${i}`] = e.w / total;
            assets[`A${i}`] = { feeBps: e.feeBps };
          });
          const u = makeUniverse('Q', target);
          const m = makeCostModel(u, { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets });
          const h = Float64Array.from([...es.map((e) => Math.max(0, (1e6 * e.w * (1 + e.off)) / total)), cash]);
          const V = h.reduce((s, x) => s + x, 0);
          fc.pre(V > 0);
          const got = solveFullValue(m, u.target, h, u.quoteIndex, V, new Float64Array(u.n));
          const want = solveBySort(m.rate, u.target, h, u.quoteIndex, V, new Float64Array(u.n));
          assert.ok(Math.abs(got - want) <= 1e-13 * V, `${got} vs ${want} (V ${V})`);
        },
      ),
      { numRuns: 500 },
    );
  });
  it('a zero-target asset with a fee, and no other fee: V′ = V − f·h (selling out is not free)', () => {
    const u = makeUniverse('Q', { X: 0, Y: 1 });
    const m = makeCostModel(u, {
      feeBps: 0,
      halfSpreadBps: 0,
      impact: 0,
      fixedPerOrder: 0,
      assets: { X: { feeBps: 30 } },
    });
    const h = Float64Array.from([938, 0, 62]);
    assert.equal(solveFullValue(m, u.target, h, u.quoteIndex, 1000, new Float64Array(3)), 1000 - 0.003 * 938);
  });
  it('a single fee, by hand: V′ = V − f·|tV′ − h| on the selling side', () => {
    const u = makeUniverse('Q', { X: 0.5, Q: 0.5 });
    const m = makeCostModel(u, { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} });
    const h = Float64Array.from([594, 406]);
    const got = solveFullValue(m, u.target, h, 1, 1000, new Float64Array(2));
    assert.ok(Math.abs(got - (1000 - 0.001 * 594) / (1 - 0.0005)) <= 1e-12 * 1000);
  });
  it('impact and fixed costs: |g(V′)| ≤ 1e-12·V with g written out from the cost formula', () => {
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(0, 0.1, 0.5, 1),
        fc.constantFrom(0, 0.5, 5),
        (es, impact, fixed) => {
          const total = es.reduce((s, e) => s + e.w, 0);
          fc.pre(total > 0 && impact + fixed > 0);
          const target: Record<string, number> = {};
          const assets: Record<string, { feeBps: number; sigma: number; adv: number }> = {};
          es.forEach((e, i) => {
            target[`A${i}`] = e.w / total;
            assets[`A${i}`] = { feeBps: e.feeBps, sigma: 0.03, adv: 1e9 };
          });
          const u = makeUniverse('Q', target);
          const m = makeCostModel(u, { feeBps: 0, halfSpreadBps: 2, impact, fixedPerOrder: fixed, assets });
          const h = Float64Array.from([...es.map((e) => e.h), 1e5]);
          const V = h.reduce((s, x) => s + x, 0);
          const x = solveFullValue(m, u.target, h, u.quoteIndex, V, new Float64Array(u.n));
          let g = x - V;
          es.forEach((e, i) => {
            const q = Math.abs(u.target[i]! * x - h[i]!);
            if (q <= NOISE * V) return; // not placed (rounding noise): no cost
            g += ((e.feeBps + 2) / 1e4) * q + impact * 0.03 * Math.sqrt(q / 1e9) * q + fixed;
          });
          assert.ok(Math.abs(g) <= 1e-12 * V * (1 + 1e-9), `g = ${g}, V = ${V}`);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('a zero-target holding of exactly NOISE·V is dust: the solve and the plan agree on it', () => {
    const u = makeUniverse('Q', { A0: 0, A1: 1 });
    const m = makeCostModel(u, { feeBps: 0, halfSpreadBps: 2, impact: 0, fixedPerOrder: 5, assets: {} });
    const h = Float64Array.from([1.0000000000001001e-8, 0, 1e5]);
    const V = h[0]! + h[1]! + h[2]!;
    const x = solveFullValue(m, u.target, h, 2, V, new Float64Array(3));
    const placed = h[0]! > NOISE * V;
    near(x, (V - 5 - (placed ? 5 : 0)) / (1 + 0.0002), 1e-9);
    // The plan places A0's order exactly when the solve counted its cost: the quote (target 0) ends at 0.
    const config = parsePortfolio(
      { quote: 'Q', target: { A0: 0, A1: 1 }, costs: { halfSpreadBps: 2, fixedPerOrder: 5 } },
      'test',
    );
    const ctx = makePlanContext(universeOf(config), config);
    const buf = new PlanBuffers(3);
    planInto(ctx, h, Float64Array.from([1, 1, 1]), 'full', buf);
    assert.equal(buf.dq[0] !== 0, placed);
    assert.ok(Math.abs(h[2]! + buf.dq[2]!) <= 1e-9, `quote left ${h[2]! + buf.dq[2]!}`);
  });
  it('an on-target portfolio with fixed costs keeps V′ = V (no dust orders paying the fixed cost)', () => {
    const u = makeUniverse('Q', { X: 0.3, Y: 0.7 });
    const m = makeCostModel(u, { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 1, assets: {} });
    // On target only up to rounding, as after a previous full plan: X is 4 ulps over 0.3·V.
    const h = Float64Array.from([3000.0000000000018, 7000, 0]);
    const V = h[0]! + h[1]!;
    assert.notEqual(0.3 * V, h[0]);
    assert.equal(solveFullValue(m, u.target, h, 2, V, new Float64Array(3)), V);
  });
});
