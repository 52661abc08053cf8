/**
 * A small, deterministic ReportInput for the report's tests and for a quick look at the layout:
 * a seeded GBM market, buy-and-hold, and a no-fee periodic rebalance computed here in a few lines
 * (not the engine: the report only needs plausible curves).
 */
import { generateGbm } from '../synthetic/gbm.ts';
import type { ReportInput, ReportRun } from './types.ts';

function simulate(prices: Float64Array, n: number, target: number[], every: number, name: string): ReportRun {
  const T = prices.length / n;
  const equity = new Float64Array(T);
  const weights = new Float64Array(T * n);
  const q = target.map((w, i) => (1e6 * w) / prices[i]);
  const rebalanceBars: number[] = [];
  for (let t = 0; t < T; t++) {
    let v = 0;
    for (let i = 0; i < n; i++) v += q[i] * prices[t * n + i];
    if (every > 0 && t > 0 && t % every === 0) {
      for (let i = 0; i < n; i++) q[i] = (v * target[i]) / prices[t * n + i];
      rebalanceBars.push(t);
    }
    equity[t] = v;
    for (let i = 0; i < n; i++) weights[t * n + i] = (q[i] * prices[t * n + i]) / v;
  }
  let peak = 0;
  let mdd = 0;
  for (const v of equity) {
    peak = Math.max(peak, v);
    mdd = Math.max(mdd, 1 - v / peak);
  }
  const final = equity[T - 1];
  return {
    strategy: name,
    equity,
    weights,
    rebalanceBars,
    metrics: {
      finalValue: final,
      totalReturn: final / 1e6 - 1,
      cagr: null,
      volatility: null,
      sharpe: null,
      maxDrawdown: mdd,
      rebalances: rebalanceBars.length,
      fees: 0,
      turnover: 0,
    },
  };
}

export function sampleReportInput(bars = 1500, withSweep = true): ReportInput {
  const assets = ['BTC', 'ETH', 'SOL'];
  const m = generateGbm({
    seed: 4,
    bars,
    assets,
    mu: [0.4, 0.5, 0.6],
    sigma: [0.6, 0.8, 1.1],
    correlation: 0.6,
    barsPerYear: 365,
    start: '2019-01-01',
  });
  const target = [0.5, 0.3, 0.2];
  const runs = [
    simulate(m.prices, 3, target, 0, 'hodl'),
    simulate(m.prices, 3, target, 30, 'calendar:month'),
    simulate(m.prices, 3, target, 7, 'calendar:week'),
  ];
  const x = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5];
  const y = [0, 5, 10, 25, 50];
  const z = y.map((f, yi) => x.map((w, xi) => (xi === 0 && yi === 4 ? null : 1 + Math.log(w * 100) / 5 - f / 40)));
  // A dense second view: 100 log-spaced widths × 5 trigger types, a lower-is-better metric.
  const wide = Array.from({ length: 100 }, (_, k) => 0.005 * 100 ** (k / 99));
  const triggers = ['band', 'relband', 'vol:-1', 'vol:+1', 'hybrid:month'];
  const dd = triggers.map((_, ti) => wide.map((w) => 0.6 + 0.05 * ti + 0.1 * Math.sin(Math.log(w) * 2 + ti)));
  return {
    title: 'Sample backtest <synthetic>',
    generatedAt: '2026-01-01T00:00:00.000Z',
    assets,
    times: m.times,
    runs,
    hodlStrategy: 'hodl',
    sweep: withSweep
      ? [
          { xLabel: 'band width', yLabel: 'fee (bps)', metric: 'sharpe', x, y, xPercent: true, z },
          {
            title: 'max drawdown by trigger',
            xLabel: 'band width',
            yLabel: 'trigger',
            metric: 'maxDrawdown',
            x: wide,
            y: triggers,
            xPercent: true,
            z: dd,
            higherIsBetter: false,
          },
        ]
      : undefined,
    notes: ['Synthetic GBM market, seed 4 & no fees.', 'Prices: generated, not real.'],
  };
}
