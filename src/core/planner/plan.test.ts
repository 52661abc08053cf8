import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePortfolio } from '../config/parse.ts';
import { orderCost } from '../costs.ts';
import { makeSnapshot } from '../snapshot.ts';
import { bandArray } from '../triggers/band.ts';
import { universeOf } from '../universe.ts';
import { roundLot } from './constraints.ts';
import { makePlanContext, PlanBuffers, type PlanMode } from './context.ts';
import { describePlan } from './describe.ts';
import { planInto } from './plan.ts';

function setup(doc: object, balances: Record<string, number>, prices: Record<string, number>) {
  const config = parsePortfolio(doc, 'test');
  const ctx = makePlanContext(universeOf(config), config);
  const snap = makeSnapshot(ctx.u, config.ignore, balances, prices);
  const buf = new PlanBuffers(ctx.u.n);
  const plan = (mode: PlanMode = 'full', band = 0.05, cov: Float64Array | null = null) => {
    planInto(ctx, snap.qty, snap.prices, mode, buf, { halfWidth: bandArray(ctx.u, band, undefined), cov });
    return describePlan(ctx, snap, buf);
  };
  return { ctx, snap, buf, plan };
}
const near = (a: number, x: number, tol = 1e-9) => assert.ok(Math.abs(a - x) <= tol, `${a} vs ${x}`);

describe('planner rules', () => {
  it('full with a proportional fee lands on tᵢV′ with V′ = V − f·Σ|tᵢV′ − hᵢ|', () => {
    const s = setup(
      { quote: 'USDT', target: { BTC: 0.5, ETH: 0.3, USDT: 0.2 }, costs: { feeBps: 10 } },
      { BTC: 1.25, ETH: 10, USDT: 1500 },
      { BTC: 60000, ETH: 3000 },
    );
    const p = s.plan('full');
    const V = 106500;
    // BTC sells, ETH and USDT are under target: V′ = V − f(75000 − 0.5V′) − f(0.3V′ − 30000).
    const f = 0.001;
    const Vp = (V - f * 75000 + f * 30000) / (1 - 0.5 * f + 0.3 * f);
    near(s.buf.valueAfter, Vp, 1e-9);
    const btc = p.trades.find((t) => t.asset === 'BTC')!;
    near(75000 - btc.notional, 0.5 * Vp, 1e-9);
    near(p.cost, V - Vp, 1e-9);
  });
  it('sells first, then buys, each by asset name; the quote never trades', () => {
    const s = setup(
      { quote: 'USDT', target: { ZEC: 0.25, ADA: 0.25, BTC: 0.25, ETH: 0.25 } },
      { ZEC: 40, ADA: 10, BTC: 40, ETH: 10 },
      { ZEC: 1, ADA: 1, BTC: 1, ETH: 1 },
    );
    const p = s.plan();
    assert.deepEqual(
      p.trades.map((t) => `${t.side} ${t.asset}`),
      ['sell BTC', 'sell ZEC', 'buy ADA', 'buy ETH'],
    );
  });
  it('reserve: never sold below it; all-reserve is skipped with a reason', () => {
    const doc = { quote: 'USDT', target: { BTC: 0.1, USDT: 0.9 }, constraints: { assets: { BTC: { reserve: 0.6 } } } };
    const s = setup(doc, { BTC: 1, USDT: 0 }, { BTC: 100 });
    const p = s.plan();
    assert.deepEqual(
      p.trades.map((t) => [t.asset, t.side, t.quantity]),
      [['BTC', 'sell', 0.4]],
    );
    const all = setup({ ...doc, constraints: { assets: { BTC: { reserve: 1 } } } }, { BTC: 1, USDT: 0 }, { BTC: 100 });
    const q = all.plan();
    assert.deepEqual(q.trades, []);
    assert.deepEqual(q.skipped, [{ asset: 'BTC', reason: 'sell blocked: the holding 1 BTC is all reserve (1)' }]);
  });
  it('quote reserve: buys scaled by one factor to fit the quote above it; the reason says so', () => {
    const s = setup(
      {
        quote: 'USDT',
        target: { BTC: 0.5, ETH: 0.5 },
        costs: { feeBps: 10 },
        constraints: { assets: { USDT: { reserve: 600 } } },
      },
      { BTC: 0, ETH: 0, USDT: 1000 },
      { BTC: 100, ETH: 50 },
    );
    const p = s.plan();
    assert.match(p.notes.join(), /every trade scaled by 0\.\d+ so that buys and costs fit the available USDT/);
    const spent = p.trades.reduce((x, t) => x + t.notional + t.cost, 0);
    assert.ok(spent <= 400 && spent > 400 * (1 - 1e-9), `spent ${spent}`);
    near(p.trades[0]!.notional / p.trades[1]!.notional, 1, 1e-12); // one factor: proportions kept
  });
  it('maxTurnover: every trade scaled by one factor, turnover = maxTurnover·V, the reason says so', () => {
    const doc = { quote: 'USDT', target: { A: 0.25, B: 0.25, C: 0.5 }, constraints: { maxTurnover: 0.1 } };
    const s = setup(doc, { A: 500, B: 0, C: 500 }, { A: 1, B: 1, C: 1 });
    const p = s.plan();
    // Unconstrained: A −250, B +250 (turnover 0.5·V) → factor 0.2.
    assert.deepEqual(
      p.trades.map((t) => [t.asset, t.side, t.notional]),
      [
        ['A', 'sell', 50],
        ['B', 'buy', 50],
      ],
    );
    assert.equal(s.buf.scale, 0.2);
    assert.deepEqual(p.notes, ['every trade scaled by 0.2 to keep turnover within maxTurnover 0.1']);
  });
  it('lot step: k = ⌊q/lotStep + 1e-9⌋ lots, toward zero, never beyond what may be sold', () => {
    assert.equal(roundLot(0.3, 0.1, Number.POSITIVE_INFINITY), 3 * 0.1); // 0.3/0.1 = 2.9999999999999996
    assert.equal(roundLot(0.1 * (3 - 0.5e-9), 0.1, Number.POSITIVE_INFINITY), 3 * 0.1);
    assert.equal(roundLot(0.1 * (3 - 2e-9), 0.1, Number.POSITIVE_INFINITY), 2 * 0.1);
    assert.equal(roundLot(-0.37, 0.1, 1), -3 * 0.1);
    assert.equal(roundLot(-0.37, 0.1, 0.25), -2 * 0.1, 'k lowered until k·lot ≤ held − reserve');
    assert.equal(roundLot(-0.37, 0, 0.25), -0.25);
    assert.equal(roundLot(0.05, 0.1, Number.POSITIVE_INFINITY), 0);
  });
  it('lot step in a plan: rounded toward zero, the quote absorbs the rest, zero lots skipped with a reason', () => {
    const doc = {
      quote: 'USDT',
      target: { BTC: 0.5, ETH: 0.5 },
      constraints: { assets: { BTC: { lotStep: 0.01 }, ETH: { lotStep: 1 } } },
    };
    const s = setup(doc, { BTC: 0, ETH: 0, USDT: 1000 }, { BTC: 300, ETH: 600 });
    const p = s.plan();
    assert.deepEqual(
      p.trades.map((t) => [t.asset, t.quantity]),
      [['BTC', 166 * 0.01]],
    );
    assert.deepEqual(p.skipped, [
      { asset: 'ETH', reason: 'buy of 0.83333333 ETH (500 USDT) rounds to zero at lot step 1' },
    ]);
    near(s.buf.dq[2]!, -166 * 0.01 * 300, 1e-9);
  });
  it('minNotional: the trade is skipped with a reason; the others are not re-solved', () => {
    const doc = { quote: 'USDT', target: { A: 0.5, B: 0.3, C: 0.2 } };
    const withMin = { ...doc, constraints: { assets: { C: { minNotional: 10 } } } };
    const balances = { A: 500, B: 300, C: 195, USDT: 5 };
    const prices = { A: 1, B: 1, C: 1 };
    const a = setup(doc, balances, prices).plan();
    const b = setup(withMin, balances, prices).plan();
    assert.deepEqual(
      a.trades.map((t) => t.asset),
      ['C'],
    );
    assert.deepEqual(b.trades, []);
    assert.deepEqual(b.skipped, [{ asset: 'C', reason: 'buy of 5 C (5 USDT) is below the minimum notional 10 USDT' }]);
    const c = setup(withMin, { A: 520, B: 280, C: 195, USDT: 5 }, prices).plan();
    const full = setup(doc, { A: 520, B: 280, C: 195, USDT: 5 }, prices).plan();
    assert.deepEqual(
      c.trades,
      full.trades.filter((t) => t.asset !== 'C'),
    );
  });
  it('buyOnly: no sells, buys fit the quote above its reserve (costs included)', () => {
    const doc = {
      quote: 'USDT',
      target: { BTC: 0.5, ETH: 0.3, USDT: 0.2 },
      costs: { feeBps: 10 },
      constraints: { assets: { USDT: { reserve: 500 } } },
    };
    const s = setup(doc, { BTC: 1.25, ETH: 5, USDT: 3000 }, { BTC: 60000, ETH: 3000 });
    planInto(s.ctx, s.snap.qty, s.snap.prices, 'full', s.buf, { buyOnly: true });
    const p = describePlan(s.ctx, s.snap, s.buf);
    assert.deepEqual(
      p.trades.map((t) => [t.asset, t.side]),
      [['ETH', 'buy']],
    );
    const spent = p.trades[0]!.notional + p.trades[0]!.cost;
    assert.ok(spent <= 2500 && spent > 2500 * (1 - 1e-9), `spent ${spent} of 2500`);
    assert.ok(3000 + s.buf.dq[2]! >= 500);
  });
  it('edge without bands plans full; auto without bands is full', () => {
    const s = setup({ quote: 'USDT', target: { A: 0.5, USDT: 0.5 } }, { A: 2, USDT: 0 }, { A: 1 });
    planInto(s.ctx, s.snap.qty, s.snap.prices, 'edge', s.buf, {});
    assert.equal(s.buf.mode, 'full');
    planInto(s.ctx, s.snap.qty, s.snap.prices, 'auto', s.buf, {});
    assert.equal(s.buf.mode, 'full');
  });
});

describe('auto plan', () => {
  /** Benefit minus cost of a mode's desired trades, written out: ½γH·Σσ²(w−t)²·V before − after − cost. */
  function net(s: ReturnType<typeof setup>, mode: PlanMode): number {
    s.plan(mode);
    const { ctx, snap, buf } = s;
    const q = ctx.u.quoteIndex;
    const V = buf.value;
    let cost = 0;
    let flow = 0;
    const d = new Float64Array(ctx.u.n);
    for (let i = 0; i < ctx.u.n; i++) {
      if (i === q) continue;
      d[i] = buf.dq[i]! * snap.prices[i]!;
      cost += orderCost(ctx.costs, i, d[i]!, d[i]! < 0 ? -1 : 1);
      flow += d[i]!;
    }
    const loss = (h: (i: number) => number, v: number) => {
      let te = 0;
      for (let i = 0; i < ctx.u.n; i++) te += ctx.sigma[i]! ** 2 * (h(i) / v - ctx.u.target[i]!) ** 2;
      return 0.5 * ctx.riskAversion * ctx.horizon * te * v;
    };
    const h0 = (i: number) => snap.qty[i]! * snap.prices[i]!;
    const h1 = (i: number) => (i === q ? h0(i) - flow - cost : h0(i) + d[i]!);
    return loss(h0, V) - loss(h1, V - cost) - cost;
  }
  it('picks the mode with the larger benefit minus cost, and both outcomes occur', () => {
    const picked = new Set<string>();
    for (const feeBps of [0, 5, 20, 60, 150, 400]) {
      for (const btc of [0.6, 0.7, 0.78]) {
        const doc = {
          quote: 'USDT',
          target: { BTC: 0.5, ETH: 0.3, USDT: 0.2 },
          costs: { feeBps, assets: { BTC: { sigma: 0.04 }, ETH: { sigma: 0.05 } } },
        };
        const s = setup(doc, { BTC: btc * 1000, ETH: (0.8 - btc) * 1000, USDT: 200 }, { BTC: 1, ETH: 1 });
        const full = net(s, 'full');
        const edge = net(s, 'edge');
        s.plan('auto');
        assert.equal(s.buf.mode, edge > full ? 'edge' : 'full', `fee ${feeBps}, BTC ${btc}: ${edge} vs ${full}`);
        picked.add(s.buf.mode);
      }
    }
    assert.deepEqual([...picked].sort(), ['edge', 'full']);
  });
});
