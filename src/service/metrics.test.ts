import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PortfolioView } from './facade.ts';
import { METRIC_NAMES, ServiceMetrics, SOLVER_METRIC_NAMES } from './metrics.ts';
import type { SolverStatus } from './solver-loop.ts';

const view: PortfolioView = {
  id: 'main',
  quote: 'USDT',
  venue: 'paper',
  mode: 'dry-run',
  paused: false,
  pauseReason: null,
  value: 1234.5,
  weights: { BTC: 0.55, USDT: 0.45 },
  target: { BTC: 0.5, USDT: 0.5 },
  drift: { BTC: 0.05, USDT: -0.05 },
  bands: null,
  targetSource: { active: 'file', file: { BTC: 0.5, USDT: 0.5 }, database: null },
  lastCycleAt: 60_000,
  twr: null,
  hodlValue: null,
  guardsOff: [],
  consecutiveFailures: 0,
};

test('metrics: every name is exported; counters, histogram and gauges follow the cycle events and views', async () => {
  const m = new ServiceMetrics({ views: () => [view], processMetrics: false });
  m.observeCycle({
    portfolioId: 'main',
    cycle: 1,
    at: 60_000,
    decision: 'rebalanced',
    reason: '2 legs',
    value: 1234.5,
    weights: view.weights,
    plan: null,
    durationMs: 42,
    ordersSent: 2,
    ordersFilled: 1,
    ordersFailed: 1,
    priceAgeSeconds: 3,
  });
  m.observeAlert({ portfolioId: 'main', level: 'info', kind: 'rebalance', message: 'x', at: 1 });
  const text = await m.text();
  for (const name of METRIC_NAMES) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  assert.match(text, /^ballast_portfolio_value\{portfolio="main"\} 1234\.5$/m);
  assert.match(text, /^ballast_portfolio_drift\{portfolio="main",asset="BTC"\} 0\.05$/m);
  assert.match(text, /^ballast_orders_sent_total\{portfolio="main"\} 2$/m);
  assert.match(text, /^ballast_orders_failed_total\{portfolio="main"\} 1$/m);
  assert.match(text, /^ballast_last_price_age_seconds\{portfolio="main"\} 3$/m);
  assert.match(text, /^ballast_cycle_duration_seconds_bucket\{le="0\.05",portfolio="main"\} 1$/m);
  assert.match(text, /^ballast_cycles_total\{portfolio="main",decision="rebalanced"\} 1$/m);
  // Two instances do not collide (own registries).
  assert.doesNotThrow(() => new ServiceMetrics());
  assert.doesNotThrow(() => new ServiceMetrics());
});

test('metrics: solver mode’s counts are read at each scrape; without a solver there are none', async () => {
  const none = await new ServiceMetrics({ processMetrics: false, solver: () => null }).text();
  for (const name of SOLVER_METRIC_NAMES) assert.ok(!none.includes(name), name);
  let status: SolverStatus = {
    book: 'http://127.0.0.1:1',
    send: true,
    rounds: 3,
    settled: 2,
    failed: 1,
    roundErrors: 0,
    lastRoundSkipped: 4,
    lastSettleAt: 90_000,
    lastError: null,
  };
  const m = new ServiceMetrics({ processMetrics: false, solver: () => status });
  let text = await m.text();
  for (const name of SOLVER_METRIC_NAMES) assert.match(text, new RegExp(`^${name} `, 'm'), name);
  assert.match(text, /^ballast_solver_orders_settled_total 2$/m);
  assert.match(text, /^ballast_solver_orders_failed_total 1$/m);
  assert.match(text, /^ballast_solver_last_round_skipped 4$/m);
  assert.match(text, /^ballast_solver_last_settle_timestamp_seconds 90$/m);
  status = { ...status, rounds: 4, settled: 5 };
  text = await m.text();
  assert.match(text, /^ballast_solver_orders_settled_total 5$/m, 'the count, not a sum of scrapes');
  assert.match(text, /^ballast_solver_rounds_total 4$/m);
});
