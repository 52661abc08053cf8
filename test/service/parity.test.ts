import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBacktest } from '../../src/backtest/engine/run.ts';
import { runRequest } from '../../src/backtest/request.ts';
import { parsePortfolio } from '../../src/core/config/parse.ts';
import { defaultReplayService, runReplay } from '../../src/service/replay.ts';

/**
 * The proof that backtest and live share one kernel: on the same file and portfolio, the replay (the
 * whole service: runner, journal, paper venue, replay clock) makes the same rebalance bars, the same
 * trades and the same final value as `ballast backtest`.
 */
const doc = {
  quote: 'USD',
  target: { BTC: 0.4, ETH: 0.3, BNB: 0.1, XRP: 0.1, USD: 0.1 },
  trigger: { type: 'band', band: 0.05 },
  costs: { feeBps: 10 },
};
const csv = 'examples/data/crypto-daily.csv';

/** `ballast backtest` on the same file and portfolio (daily bars, no lag). */
const backtestOf = (d: unknown, end: string) =>
  runRequest({
    strategies: ['hodl'],
    capital: 1e6,
    periodsPerYear: 365,
    fill: 'none',
    lag: 0,
    configDoc: d,
    config: 'parity',
    end,
  });

for (const [name, trigger, end] of [
  ['band:0.05', { type: 'band', band: 0.05 }, '2019-12-31'],
  ['calendar:month', { type: 'calendar', period: 'month' }, '2018-12-31'],
  ['vol:0.04:-1', { type: 'voladaptive', base: 0.04, exponent: -1 }, '2018-12-31'],
] as const) {
  test(`replay equals backtest (${name}): rebalance bars, trades, final value`, async () => {
    const d = { ...doc, trigger };
    const portfolio = parsePortfolio(d, 'parity');
    const { summaries, service } = await runReplay({
      service: defaultReplayService(portfolio),
      csv,
      capital: 1e6,
      end,
      keepOpen: true,
    });
    const bt = backtestOf(d, end);
    const r = bt.results.find((x) => x.strategy === 'config')!;
    const s = summaries[0]!;
    assert.deepEqual(s.rebalanceBars, r.rebalanceBars);
    assert.ok(r.rebalanceBars.length > 3, 'the window must hold several rebalances');
    const rel = Math.abs(s.finalValue - r.metrics.finalValue) / r.metrics.finalValue;
    console.log(
      `parity ${name}: ${s.rebalances} rebalances over ${s.bars} bars, final value relative difference ${rel.toExponential(2)}`,
    );
    assert.ok(rel <= 1e-9, `final value differs by ${rel}`);
    assert.ok(Math.abs(s.fees - r.metrics.fees) <= 1e-9 * r.metrics.fees);
    // Trades: every fill of the paper venue against every trade of the backtest (bar 0 = the investment).
    const fills = service.journal.orders
      .list('main', { limit: 100_000 })
      .map((o) => ({ cycle: o.cycle, asset: o.asset, quantity: (o.side === 'buy' ? 1 : -1) * o.filledQuantity }))
      .sort((a, b) => a.cycle - b.cycle || a.asset.localeCompare(b.asset));
    const full = runBacktest(bt.data, bt.specs.find((x) => x.name === 'config')!, bt.options, { trades: true });
    const trades = full
      .trades!.map((t) => ({ cycle: t.bar + 1, asset: t.asset, quantity: t.quantity }))
      .sort((a, b) => a.cycle - b.cycle || a.asset.localeCompare(b.asset));
    assert.equal(fills.length, trades.length);
    fills.forEach((f, k) => {
      const t = trades[k]!;
      assert.equal(f.cycle, t.cycle);
      assert.equal(f.asset, t.asset);
      assert.ok(
        Math.abs(f.quantity - t.quantity) <= 1e-9 * Math.abs(t.quantity),
        `${f.asset} at cycle ${f.cycle}: ${f.quantity} vs ${t.quantity}`,
      );
    });
    assert.equal(r.metrics.finalValue, full.metrics.finalValue);
    await service.stop();
  });
}

test('replay equals backtest with a cooldown: both skip the same fired bars through the core’s rule chain', async () => {
  const d = { ...doc, trigger: { type: 'band', band: 0.02 } };
  const portfolio = parsePortfolio(d, 'parity');
  const base = defaultReplayService(portfolio);
  const cooldownDays = 20;
  const svc = {
    ...base,
    portfolios: base.portfolios.map((p) => ({ ...p, risk: { ...p.risk, cooldown: `${cooldownDays}d` } })),
  };
  const end = '2018-12-31';
  const { summaries, service } = await runReplay({ service: svc, csv, capital: 1e6, end, keepOpen: true });
  const bt = backtestOf(d, end);
  const spec = bt.specs.find((x) => x.name === 'config')!;
  const free = runBacktest(bt.data, spec, bt.options);
  const cooled = runBacktest(bt.data, spec, { ...bt.options, cooldownMs: cooldownDays * 86_400_000 });
  assert.ok(cooled.rebalanceBars.length < free.rebalanceBars.length, 'the cooldown removes rebalances');
  for (let k = 1; k < cooled.rebalanceBars.length; k++)
    assert.ok(cooled.rebalanceBars[k]! - cooled.rebalanceBars[k - 1]! >= cooldownDays);
  assert.deepEqual(summaries[0]!.rebalanceBars, cooled.rebalanceBars);
  const rel = Math.abs(summaries[0]!.finalValue - cooled.metrics.finalValue) / cooled.metrics.finalValue;
  assert.ok(rel <= 1e-9, `final value differs by ${rel}`);
  await service.stop();
});
