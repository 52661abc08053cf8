import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prepareData, runBacktest } from './run.ts';
import { parseStrategy } from './strategy.ts';
import type { BacktestOptions, MarketData } from './types.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const market = (rows: number[][]): MarketData => ({
  assets: ['A', 'B'],
  times: Float64Array.from(rows.map((_, t) => T0 + t * DAY)),
  prices: Float64Array.from(rows.flat()),
});
const target = { A: 0.5, B: 0.3, USD: 0.2 };
const opts = (feeBps: number, lag: 0 | 1 = 0): BacktestOptions => ({
  cash: 'USD',
  target,
  capital: 10_000,
  costs: { feeBps, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
  constraints: { assets: {} },
  lag,
  periodsPerYear: 365,
});
const rel = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${what}: ${a} vs ${b}`);
const tw = [0.5, 0.3, 0.2];

// The docs' example, two bars longer: band:0.05 fires on bar 2 (A 120, B 30) and on no other bar
// (with lag 0 or 1).
const rows = [
  [100, 50],
  [110, 50],
  [120, 30],
  [130, 30],
  [125, 33],
];

describe('--lag 1: decide at close t, trade at close t+1', () => {
  const data = prepareData(market(rows), 'USD', target);
  const band = parseStrategy('band:0.05');
  const hodl = runBacktest(data, parseStrategy('hodl'), opts(10), { weights: true });

  it('the decision bar is counted, the trade happens one bar later at that bar’s close', () => {
    const r0 = runBacktest(data, band, opts(10, 0));
    const r1 = runBacktest(data, band, opts(10, 1), { weights: true });
    assert.deepEqual(r0.rebalanceBars, [2]);
    assert.deepEqual(r1.rebalanceBars, [2]);
    assert.equal(r1.metrics.rebalances, 1);
    // up to and including the decision bar nothing has traded: HODL's values
    for (let t = 0; t <= 2; t++) assert.equal(r1.equity[t], hodl.equity[t], `V${t}`);
    // bar 3: a full rebalance of HODL's holdings at bar 3's close: V′ = V − f·Σ|tᵢV′ − hᵢ|
    const V = hodl.equity[3]!;
    const h = [0, 1].map((i) => hodl.weights![3 * 3 + i]! * V);
    const Vp = r1.equity[3]!;
    rel(Vp, V - 0.001 * (Math.abs(0.5 * Vp - h[0]!) + Math.abs(0.3 * Vp - h[1]!)), 1e-13, 'V′ at bar 3');
    for (let i = 0; i < 3; i++) rel(r1.weights![3 * 3 + i]!, tw[i]!, 1e-12, `w${i} after the trade`);
    // fees: the purchase's (HODL's) plus V − V′ on bar 3
    rel(r1.metrics.fees, hodl.metrics.fees + (V - Vp), 1e-12, 'fees');
    // bar 4: the target mix carried at bar 4's prices
    rel(r1.equity[4]!, Vp * (0.5 * (125 / 130) + 0.3 * (33 / 30) + 0.2), 1e-13, 'V4');
    assert.notEqual(r1.metrics.finalValue, r0.metrics.finalValue);
  });

  it('with zero fees the trade bar keeps its value: V₃ equals HODL’s V₃', () => {
    const h0 = runBacktest(data, parseStrategy('hodl'), opts(0));
    const r1 = runBacktest(data, band, opts(0, 1));
    rel(r1.equity[3]!, h0.equity[3]!, 1e-14, 'V3');
    assert.equal(r1.metrics.fees, 0);
  });

  it('a decision on the last bar is counted but never traded', () => {
    const short = prepareData(market(rows.slice(0, 3)), 'USD', target);
    const r1 = runBacktest(short, band, opts(10, 1));
    const h = runBacktest(short, parseStrategy('hodl'), opts(10, 1));
    assert.equal(r1.metrics.rebalances, 1);
    assert.deepEqual(r1.equity, h.equity);
    assert.equal(r1.metrics.fees, h.metrics.fees);
    assert.equal(r1.metrics.turnover, h.metrics.turnover);
  });

  it('calendar:month with lag 1 trades on the second bar of each month', () => {
    const times = Float64Array.from(
      ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-02-03'].map((d) => Date.parse(`${d}T00:00:00Z`)),
    );
    const m: MarketData = { assets: ['A', 'B'], times, prices: Float64Array.from(rows.flat()) };
    const d = prepareData(m, 'USD', target);
    const r = runBacktest(d, parseStrategy('calendar:month'), opts(10, 1), { weights: true });
    const h = runBacktest(d, parseStrategy('hodl'), opts(10, 1));
    assert.deepEqual(r.rebalanceBars, [2]);
    for (let t = 0; t <= 2; t++) assert.equal(r.equity[t], h.equity[t]);
    for (let i = 0; i < 3; i++) rel(r.weights![3 * 3 + i]!, tw[i]!, 1e-12, `w${i} at bar 3`);
  });
});

describe('edge mode: back to the nearer band edge, not to the target', () => {
  // Bar 1: A ×1.3 → wA = 0.65/1.15 = 0.5652 > 0.55; B (0.2609) and the cash (0.1739) stay inside.
  const data = prepareData(
    market([
      [100, 50],
      [130, 50],
      [125, 50],
    ]),
    'USD',
    target,
  );
  const hodl = runBacktest(data, parseStrategy('hodl'), opts(10), { weights: true });
  const edge = runBacktest(data, parseStrategy('band:0.05+edge'), opts(10), { weights: true });

  it('sells A to 1 bp inside its edge, tA + b − 0.0001, measured on the post-trade, post-cost value V′; B is not traded; the cash pays the fee', () => {
    assert.deepEqual(edge.rebalanceBars, [1]);
    const V = hodl.equity[1]!;
    const hA = hodl.weights![3]! * V;
    const hB = hodl.weights![4]! * V;
    // hA − sold = 0.5499·V′ with V′ = V − 0.001·sold
    const sold = (hA - 0.5499 * V) / (1 - 0.001 * 0.5499);
    rel(sold, 0.0153258 * V, 1e-5, 'notional sold'); // (0.65 − 0.5499·1.15)/1.15/(1 − 0.001·0.5499) of V
    rel(edge.metrics.turnover, hodl.metrics.turnover + sold, 1e-12, 'turnover');
    rel(edge.metrics.fees, hodl.metrics.fees + 0.001 * sold, 1e-12, 'fees');
    const Vp = edge.equity[1]!;
    rel(Vp, V - 0.001 * sold, 1e-14, 'V′');
    rel(edge.weights![3]!, 0.5499, 1e-12, 'A weight on V′: inside the band, the trigger does not fire again');
    rel(edge.weights![4]! * Vp, hB, 1e-12, 'B holding unchanged');
    // the full rebalance goes all the way to the target instead
    const full = runBacktest(data, parseStrategy('band:0.05'), opts(10), { weights: true });
    rel(full.weights![3]!, 0.5, 1e-12, 'full: wA');
    assert.ok(full.metrics.turnover > edge.metrics.turnover);
  });
});

describe('constraints from a config: lot steps and minimum notionals leave dust in the cash', () => {
  const data = prepareData(
    market([
      [100, 50],
      [110, 50],
      [120, 30],
    ]),
    'USD',
    target,
  );
  const constrained = (capital: number): BacktestOptions => ({
    ...opts(10),
    capital,
    constraints: { assets: { A: { lotStep: 1 }, B: { minNotional: 50 } } },
  });

  it('A is bought in whole units (rounded toward zero), B above its minimum; the cash keeps the rest', () => {
    const r = runBacktest(data, parseStrategy('band:0.05'), constrained(1000), { weights: true });
    const V0 = r.equity[0]!;
    const qA = (r.weights![0]! * V0) / 100;
    assert.equal(Math.round(qA * 1e9) / 1e9, 4); // want 0.5·V′/100 ≈ 4.996 → 4 units
    rel(r.weights![1]! * V0, 0.3 * (1000 / 1.0008), 1e-12, 'B bought at its full-plan notional');
    assert.ok(r.weights![2]! > 0.2 + 0.09, `cash weight ${r.weights![2]} holds A's unbought part`);
    rel(r.metrics.fees, 0.001 * r.metrics.turnover, 1e-12, 'fees on the orders actually made');
    // value is conserved up to the fees
    rel(V0, 1000 - 0.001 * (400 + 0.3 * (1000 / 1.0008)), 1e-12, 'V0');
  });

  it('at small capital B’s order is below its minimum notional and is skipped', () => {
    const r = runBacktest(data, parseStrategy('hodl'), constrained(100), { weights: true });
    assert.equal(r.weights![1], 0);
    rel(r.metrics.turnover, 0, 0, 'nothing traded: A lot 100 > 50, B 30 < 50');
    assert.equal(r.equity[0], 100);
  });
});
