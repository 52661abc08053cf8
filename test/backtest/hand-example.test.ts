/**
 * The worked 3-bar example of docs/backtest.md ("A worked example"), run through the engine end to end
 * (CSV → window → runBacktest → metrics). Every literal below is copied from that section.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runRequest, weightsOf } from '../../src/backtest/request.ts';
import { closeTo } from './close.ts';

const CSV = join(import.meta.dirname, 'fixtures', 'hand.csv');
const run = () =>
  runRequest({
    prices: CSV,
    target: 'A=0.5,B=0.3,USD=0.2',
    strategies: ['band:0.05', 'hodl'],
    capital: 10_000,
    feeBps: 10,
    periodsPerYear: 365,
    fill: 'none',
    lag: 0,
  });

describe('worked example of docs/backtest.md (A=0.5, B=0.3, USD=0.2, 10 bps, band:0.05)', () => {
  const r = run();
  const band = { ...r.results[0]!, weights: weightsOf(r, r.results[0]!) };
  const hodl = r.results[1]!;
  const eq = (actual: number | null, expected: number, what: string) => closeTo(actual, expected, 1e-9, what);

  it('bar 0: the purchase V₀ = 10000/(1 + 0.001·0.8), holdings at the target', () => {
    eq(band.equity[0]!, 9992.00639488409, 'V0');
    eq(hodl.equity[0]!, 9992.00639488409, 'V0 hodl');
    // post-trade weights are the target exactly
    eq(band.weights![0]!, 0.5, 'wA0');
    eq(band.weights![1]!, 0.3, 'wB0');
    eq(band.weights![2]!, 0.2, 'wUSD0');
  });

  it('bar 1: marked at the close, weights inside the band, no trade', () => {
    eq(band.equity[1]!, 10491.6067146283, 'V1');
    eq(band.weights![3]!, 0.523809523809524, 'wA1');
    eq(band.weights![4]!, 0.285714285714286, 'wB1');
    eq(band.weights![5]!, 0.19047619047619, 'wUSD1');
  });

  it('bar 2: the band fires, sell A, buy B, V₂ solves V′ = V − f·Σ|tᵢV′ − hᵢ|', () => {
    assert.deepEqual(band.rebalanceBars, [2]);
    eq(band.equity[2]!, 9789.92760982252, 'V2');
    eq(hodl.equity[2]!, 9792.16626698641, 'V2 hodl (pre-trade value)');
    eq(band.weights![6]!, 0.5, 'wA2');
    eq(band.weights![7]!, 0.3, 'wB2');
    eq(band.weights![8]!, 0.2, 'wUSD2');
  });

  it('metrics of band:0.05', () => {
    const m = band.metrics;
    eq(m.finalValue, 9789.92760982252, 'finalValue');
    eq(m.totalReturn, -0.0210072390177476, 'totalReturn');
    eq(m.cagr, -0.979293694170246, 'cagr');
    eq(m.volatility, 1.57896242785433, 'volatility');
    eq(m.sharpe, -1.95103299095633, 'sharpe');
    eq(m.maxDrawdown, 0.0668800426752017, 'maxDrawdown');
    assert.equal(m.rebalances, 1);
    eq(m.fees, 10.2322622797941, 'fees');
    eq(m.turnover, 10232.2622797941, 'turnover');
  });

  it('metrics of hodl: bar 0 fee and turnover only', () => {
    const m = hodl.metrics;
    eq(m.finalValue, 9792.16626698641, 'finalValue');
    assert.equal(m.rebalances, 0);
    eq(m.fees, 7.99360511590727, 'fees');
    eq(m.turnover, 7993.60511590727, 'turnover');
  });
});

describe('worked example, bar 2 with band:0.05+edge (docs/backtest.md)', () => {
  const r = runRequest({
    prices: CSV,
    target: 'A=0.5,B=0.3,USD=0.2',
    strategies: ['band:0.05+edge'],
    capital: 10_000,
    feeBps: 10,
    periodsPerYear: 365,
    fill: 'none',
    lag: 0,
  });
  const edge = { ...r.results[0]!, weights: weightsOf(r, r.results[0]!) };
  const eq = (actual: number | null, expected: number, what: string) => closeTo(actual, expected, 1e-9, what);

  it('A to 0.5499 and B to 0.2501 of the post-cost V′, the cash at 0.2: all inside their bands', () => {
    assert.deepEqual(edge.rebalanceBars, [2]);
    eq(edge.equity[2]!, 9790.90493760085, 'V2');
    eq(edge.weights![6]!, 0.5499, 'wA2');
    eq(edge.weights![7]!, 0.2501, 'wB2');
    eq(edge.weights![8]!, 0.2, 'wUSD2');
    eq(edge.metrics.totalReturn, -0.0209095062399148, 'totalReturn');
    eq(edge.metrics.fees, 9.25493450146585, 'fees');
    eq(edge.metrics.turnover, 9254.93450146585, 'turnover');
  });
});
