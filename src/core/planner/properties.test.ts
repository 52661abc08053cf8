import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parsePortfolio } from '../config/parse.ts';
import type { PortfolioConfig } from '../config/schema.ts';
import { makeSnapshot, type Snapshot } from '../snapshot.ts';
import { bandArray } from '../triggers/band.ts';
import { universeOf } from '../universe.ts';
import { makePlanContext, PlanBuffers, type PlanContext, type PlanMode } from './context.ts';
import { describePlan, type Plan } from './describe.ts';
import { EDGE_MARGIN } from './edge.ts';
import { planInto } from './plan.ts';

/**
 * Properties of the planner that apply the returned trades to the balances themselves: the Plan's
 * trades (side, quantity) move the assets, and the quote pays each trade's quantity × price plus a cost
 * recomputed here from the config's formula. The planner's own `after` and `valueAfter` are never read.
 */

interface Case {
  readonly config: PortfolioConfig;
  readonly balances: Record<string, number>;
  readonly prices: Record<string, number>;
}

const NAMES = ['ZEC', 'ADA', 'BTC', 'ETH', 'SOL', 'DOT'];

const asset = fc.record({
  weight: fc.integer({ min: 0, max: 100 }),
  qty: fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e4, noNaN: true })),
  price: fc.double({ min: 0.01, max: 1e5, noNaN: true }),
  lotStep: fc.constantFrom(0, 1e-5, 0.001, 0.1, 1, 0.3),
  minNotional: fc.constantFrom(0, 1, 10, 250),
  reserveFrac: fc.constantFrom(0, 0, 0.1, 0.5, 1),
  sigma: fc.constantFrom(0.01, 0.05),
  // Realistic depth: an order of the whole holding costs at most a few percent in impact.
  adv: fc.constantFrom(1e9, 1e11),
  feeBps: fc.constantFrom(undefined, 0, 30),
});

const arbCase = (constrained: boolean, costly: boolean) =>
  fc
    .record({
      assets: fc.array(asset, { minLength: 1, maxLength: 6 }),
      quoteWeight: fc.integer({ min: 0, max: 100 }),
      quoteQty: fc.oneof(fc.constant(0), fc.double({ min: 1, max: 1e7, noNaN: true })),
      quoteReserveFrac: fc.constantFrom(0, 0.2, 1),
      listQuote: fc.boolean(),
      feeBps: fc.constantFrom(0, 1, 10, 100),
      halfSpreadBps: fc.constantFrom(0, 2),
      impact: fc.constantFrom(0, 0.5, 1),
      fixedPerOrder: fc.constantFrom(0, 0, 0.5),
      maxTurnover: fc.constantFrom(undefined, 0.05, 0.3, 2),
    })
    .filter((r) => r.assets.reduce((s, a) => s + a.weight, 0) + r.quoteWeight > 0)
    .filter((r) => r.listQuote || r.quoteWeight === 0)
    .map((r): Case => {
      const names = NAMES.slice(0, r.assets.length);
      const total = r.assets.reduce((s, a) => s + a.weight, 0) + r.quoteWeight;
      const target: Record<string, number> = {};
      const balances: Record<string, number> = { USDT: r.quoteQty };
      const prices: Record<string, number> = {};
      const costAssets: Record<string, object> = {};
      const consAssets: Record<string, object> = {};
      r.assets.forEach((a, k) => {
        const n = names[k]!;
        target[n] = a.weight / total;
        balances[n] = a.qty;
        prices[n] = a.price;
        if (costly)
          costAssets[n] = { sigma: a.sigma, adv: a.adv, ...(a.feeBps === undefined ? {} : { feeBps: a.feeBps }) };
        if (constrained)
          consAssets[n] = { lotStep: a.lotStep, minNotional: a.minNotional, reserve: a.qty * a.reserveFrac };
      });
      if (r.listQuote) target.USDT = r.quoteWeight / total;
      if (constrained) consAssets.USDT = { reserve: r.quoteQty * r.quoteReserveFrac };
      const doc = {
        quote: 'USDT',
        target,
        costs: costly
          ? {
              feeBps: r.feeBps,
              halfSpreadBps: r.halfSpreadBps,
              impact: r.impact,
              fixedPerOrder: r.fixedPerOrder,
              assets: costAssets,
            }
          : undefined,
        constraints: constrained
          ? { ...(r.maxTurnover === undefined ? {} : { maxTurnover: r.maxTurnover }), assets: consAssets }
          : undefined,
      };
      return { config: parsePortfolio(JSON.parse(JSON.stringify(doc)), 'generated'), balances, prices };
    })
    // Worth at least 1 (1000 with costs: a fixed cost per order that eats the portfolio has no rebalance).
    .filter(
      (c) => Object.entries(c.balances).reduce((s, [a, q]) => s + q * (c.prices[a] ?? 1), 0) > (costly ? 1000 : 1),
    );

/** The config's cost formula, written out again: (fee + half-spread)·q + impact·σ·√(q/ADV)·q + fixed. */
function costOf(c: PortfolioConfig, a: string, q: number): number {
  const k = c.costs;
  const x = k.assets[a];
  let cost = (((x?.feeBps ?? k.feeBps) + (x?.halfSpreadBps ?? k.halfSpreadBps)) / 1e4) * q + k.fixedPerOrder;
  if (x?.sigma !== undefined && x.adv !== undefined) cost += k.impact * x.sigma * Math.sqrt(q / x.adv) * q;
  return cost;
}

interface Applied {
  readonly plan: Plan;
  readonly buf: PlanBuffers;
  readonly ctx: PlanContext;
  readonly snap: Snapshot;
  /** Balances after the trades, in asset units (universe order). */
  readonly after: Float64Array;
  readonly valueBefore: number;
  readonly valueAfter: number;
  readonly cost: number;
}

function planAndApply(c: Case, mode: PlanMode, balances = c.balances): Applied {
  const ctx = makePlanContext(universeOf(c.config), c.config);
  const u = ctx.u;
  const snap = makeSnapshot(u, [], balances, c.prices);
  const buf = new PlanBuffers(u.n);
  const halfWidth = mode === 'full' ? null : bandArray(u, 0.02, undefined);
  planInto(ctx, snap.qty, snap.prices, mode, buf, { halfWidth });
  const plan = describePlan(ctx, snap, buf);
  const after = Float64Array.from(snap.qty);
  let cost = 0;
  const seen = new Set<string>();
  for (const t of plan.trades) {
    assert.ok(!seen.has(t.asset), `one trade per asset: ${t.asset} twice`);
    seen.add(t.asset);
    assert.notEqual(t.asset, u.quote, 'the quote never appears as a trade');
    const i = u.index.get(t.asset)!;
    assert.ok(t.quantity > 0);
    const notional = t.quantity * snap.prices[i]!;
    assert.ok(Math.abs(t.notional - notional) <= 1e-12 * notional, 'notional = quantity × price');
    const tc = costOf(c.config, t.asset, notional);
    assert.ok(Math.abs(t.cost - tc) <= 1e-9 * tc + 1e-12, `cost of ${t.asset}: ${t.cost} vs ${tc}`);
    const s = t.side === 'buy' ? 1 : -1;
    after[i] = after[i]! + s * t.quantity;
    after[u.quoteIndex] = after[u.quoteIndex]! - s * notional - tc;
    cost += tc;
  }
  let valueBefore = 0;
  let valueAfter = 0;
  for (let i = 0; i < u.n; i++) {
    valueBefore += snap.qty[i]! * snap.prices[i]!;
    valueAfter += after[i]! * snap.prices[i]!;
  }
  // Only now compare with the planner's own account of the result (describePlan's `after`, `cost`).
  for (let i = 0; i < u.n; i++) {
    const w = valueAfter > 0 ? (after[i]! * snap.prices[i]!) / valueAfter : 0;
    const tol = (1e-12 * valueBefore) / Math.max(valueAfter, 1e-300);
    assert.ok(
      Math.abs(plan.after[u.assets[i]!]! - w) <= tol,
      `plan.after.${u.assets[i]} ${plan.after[u.assets[i]!]} vs ${w}`,
    );
  }
  return { plan, buf, ctx, snap, after, valueBefore, valueAfter, cost };
}

const runs = { numRuns: Number(process.env.FC_RUNS ?? 300) };

/** fc.assert, with the failing assertion's own message in the error (fast-check keeps it as `cause`). */
function check(property: fc.IPropertyWithHooks<[Case]>): void {
  try {
    fc.assert(property, runs);
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${cause}`);
  }
}
const modes: PlanMode[] = ['full', 'edge', 'auto'];

describe('planner properties: unconstrained', () => {
  it('cost-free full plan: post-trade weights equal the target within 1e-12', () => {
    check(
      fc.property(arbCase(false, false), (c) => {
        const r = planAndApply(c, 'full');
        const u = r.ctx.u;
        assert.equal(r.cost, 0);
        for (let i = 0; i < u.n; i++) {
          const w = (r.after[i]! * r.snap.prices[i]!) / r.valueAfter;
          assert.ok(Math.abs(w - u.target[i]!) <= 1e-12, `${u.assets[i]}: ${w} vs ${u.target[i]}`);
        }
      }),
    );
  });
  it('with costs: weights on target within 1e-12·V/V′ and value after = value before − cost', () => {
    check(
      fc.property(arbCase(false, true), (c) => {
        const r = planAndApply(c, 'full');
        const u = r.ctx.u;
        assert.ok(Math.abs(r.valueAfter - (r.valueBefore - r.cost)) <= 1e-12 * r.valueBefore);
        assert.ok(Math.abs(r.plan.cost - r.cost) <= 1e-9 * r.cost + 1e-12);
        // With impact or fixed costs V′ is solved to |g| ≤ 1e-12·V, an error that weights see as 1e-12·V/V′.
        const tol = (1e-12 * r.valueBefore) / r.valueAfter;
        for (let i = 0; i < u.n; i++) {
          const w = (r.after[i]! * r.snap.prices[i]!) / r.valueAfter;
          assert.ok(Math.abs(w - u.target[i]!) <= tol, `${u.assets[i]}: ${w} vs ${u.target[i]}`);
        }
      }),
    );
  });
  it('planning again right after gives no trade with notional > 1e-9·V', () => {
    check(
      fc.property(arbCase(false, true), (c) => {
        const r = planAndApply(c, 'full');
        // A balance spent to zero can come out at −1e-16 depending on summation order: that is zero.
        const dust = (x: number) => (x < 0 && x > -1e-12 * r.valueBefore ? 0 : x);
        const balances = Object.fromEntries(r.ctx.u.assets.map((a, i) => [a, dust(r.after[i]!)]));
        const again = planAndApply(c, 'full', balances);
        for (const t of again.plan.trades) {
          assert.ok(t.notional <= 1e-9 * r.valueBefore, `${t.asset} ${t.side} ${t.notional} of ${r.valueBefore}`);
        }
      }),
    );
  });
});

describe('planner properties: constraints and costs, every mode', () => {
  for (const mode of modes) {
    it(`${mode}: value, reserves, cash, lot steps and minimum notionals hold`, () => {
      check(
        fc.property(arbCase(true, true), (c) => {
          const r = planAndApply(c, mode);
          const u = r.ctx.u;
          const k = r.ctx.constraints;
          const V = r.valueBefore;
          assert.ok(Math.abs(r.valueAfter - (V - r.cost)) <= 1e-12 * V, 'value after = value before − cost');
          for (let i = 0; i < u.n; i++) {
            const before = r.snap.qty[i]!;
            const res = k.reserve[i]!;
            // Never sells (or spends) below the reserve; a holding already under it never shrinks. Up to
            // rounding: 1e-12·V of value (the quote spent to zero can sum to −1e-12 in another order).
            assert.ok(
              r.after[i]! >= Math.min(before, res) - (1e-12 * V) / r.snap.prices[i]!,
              `${u.assets[i]}: ${before} → ${r.after[i]} with reserve ${res}`,
            );
          }
          for (const t of r.plan.trades) {
            const i = u.index.get(t.asset)!;
            const lot = k.lotStep[i]!;
            if (lot > 0) {
              // |q/lot − round(q/lot)| < 1e-9, plus the two roundings of k·lot and q/lot (2ε·k), which
              // exceed 1e-9 only beyond ~2·10⁶ lots in one order.
              const m = t.quantity / lot;
              const tol = 1e-9 + 4 * Number.EPSILON * m;
              assert.ok(Math.abs(m - Math.round(m)) < tol, `${t.asset} ${t.quantity} off lot ${lot}`);
            }
            assert.ok(t.notional >= k.minNotional[i]!, `${t.asset} ${t.notional} < min ${k.minNotional[i]}`);
          }
          const turnover = r.plan.trades.reduce((s, t) => s + t.notional, 0);
          assert.ok(turnover <= k.maxTurnover * V * (1 + 1e-12), `turnover ${turnover} > ${k.maxTurnover}·${V}`);
          // Nothing dropped silently: every asset the plan wanted to trade is traded or skipped with a reason.
          for (let i = 0; i < u.n; i++) {
            if (i === u.quoteIndex || r.buf.want[i] === 0) continue;
            const a = u.assets[i]!;
            const traded = r.plan.trades.some((t) => t.asset === a);
            const skipped = r.plan.skipped.find((s) => s.asset === a);
            assert.ok(traded || skipped, `${a} wanted ${r.buf.want[i]} but neither traded nor skipped`);
          }
        }),
      );
    });
  }
});

describe('planner properties: edge, cost-free and unconstrained', () => {
  it('out-of-band entries land 1 bp inside their nearer edge (or inside it, when the quote moved them); all end inside', () => {
    const band = 0.02; // planAndApply plans edge with this absolute band on every entry
    check(
      fc.property(arbCase(false, false), (c) => {
        const r = planAndApply(c, 'edge');
        const u = r.ctx.u;
        const q = u.quoteIndex;
        const V = r.valueBefore;
        const w0 = (i: number) => (r.snap.qty[i]! * r.snap.prices[i]!) / V;
        const w1 = (i: number) => (r.after[i]! * r.snap.prices[i]!) / r.valueAfter;
        // Stage 1 alone: where the quote would be with every out-of-band entry on its aim.
        const aim = (i: number) => {
          const t = u.target[i]!;
          if (w0(i) > t + band) return Math.max(t, t + band - EDGE_MARGIN);
          if (w0(i) < t - band) return Math.min(t, Math.max(0, t - band) + EDGE_MARGIN);
          return w0(i);
        };
        let wq = w0(q);
        for (let i = 0; i < u.n; i++) if (i !== q) wq -= aim(i) - w0(i);
        const tq = u.target[q]!;
        const quoteMoved = Math.abs(w1(q) - wq) > 1e-12;
        for (let i = 0; i < u.n; i++) {
          assert.ok(Math.abs(w1(i) - u.target[i]!) <= band + 1e-12, `${u.assets[i]}: ${w1(i)} outside its band`);
          if (i !== q && !quoteMoved)
            assert.ok(Math.abs(w1(i) - aim(i)) <= 1e-12, `${u.assets[i]}: ${w1(i)} vs aim ${aim(i)}`);
        }
        if (quoteMoved && (wq > tq + band || wq < Math.max(0, tq - band))) {
          const nearer =
            wq > tq + band
              ? Math.max(tq, tq + band - EDGE_MARGIN)
              : Math.min(tq + band, Math.max(0, tq - band) + EDGE_MARGIN);
          assert.ok(Math.abs(w1(q) - nearer) <= 1e-12, `quote ${w1(q)} vs its aim ${nearer} (stage 1: ${wq})`);
        }
      }),
    );
  });
});

describe('planner properties: edge with costs', () => {
  it('every entry ends inside its band on the post-trade, post-cost value (no churn)', () => {
    const band = 0.02;
    check(
      fc.property(arbCase(false, true), (c) => {
        const r = planAndApply(c, 'edge');
        if (r.plan.skipped.length > 0 || r.buf.scale < 1) return; // cash short: the band cannot be reached
        const u = r.ctx.u;
        for (let i = 0; i < u.n; i++) {
          const w = (r.after[i]! * r.snap.prices[i]!) / r.valueAfter;
          assert.ok(Math.abs(w - u.target[i]!) <= band, `${u.assets[i]}: ${w} vs ${u.target[i]} ± ${band}`);
        }
      }),
    );
  });
});
