/**
 * Figure for #6 §5: a full start-up reconciliation of 1,000 open intents against the simulator (real ccxt
 * client, HTTP on 127.0.0.1, one lookup per intent by client order id, default concurrency 4 and batches).
 * BALLAST_RECONCILE_N sets the count: the suite's default is 300 (to keep it quick); the figure uses 1000.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recoverOnStart, sendIntent } from '../../src/orders/index.ts';
import { TRIAL_BALANCES, trialSimOptions } from '../../src/service/trials/setup.ts';
import { Journal } from '../../src/store/index.ts';
import { sqliteStore } from '../../src/store/ports.ts';
import { createExchange } from '../../src/venues/ccxt/exchange.ts';
import { CcxtVenue } from '../../src/venues/ccxt/venue.ts';
import { start } from '../../src/venues/simulator/server.ts';

const N = Number(process.env.BALLAST_RECONCILE_N ?? 300);

test(`start-up reconciliation of ${N} open intents against the simulator`, { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-rec-'));
  const sim = await start({ ...trialSimOptions(), balances: { ...TRIAL_BALANCES, USDT: '100000' } });
  const venue = new CcxtVenue(
    createExchange({
      exchange: 'binance',
      credentials: { apiKey: sim.apiKey, secret: sim.secret },
      simulatorUrl: sim.url,
    }),
    { name: 'binance', clock: { now: () => Date.now() } },
  );
  let t = Date.now();
  const clock = { now: () => ++t };
  try {
    const j = Journal.open(join(dir, 'j.sqlite'), { journalId: 'rec1000', now: clock.now() });
    j.portfolios.upsert({ id: 'p1', config: {}, at: clock.now() });
    const { cycle } = j.cycles.start('p1', clock.now());
    for (let leg = 0; leg < N; leg++) {
      // Resting limit buys far below the touch: they stay open.
      const i = j.orders.commitIntent({
        portfolioId: 'p1',
        cycle,
        leg,
        child: 0,
        venue: 'binance',
        asset: 'BTC',
        quote: 'USDT',
        side: 'buy',
        quantity: 0.0002,
        orderType: 'limit',
        limitPrice: 30_000,
        referencePrice: 60_000,
        at: clock.now(),
      });
      const out = await sendIntent(sqliteStore(j).orders, venue, i.clientOrderId, clock);
      assert.equal(out.state, 'open');
    }
    j.cycles.finish({ portfolioId: 'p1', cycle, decision: 'rebalanced', reason: 'setup', at: clock.now() });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await recoverOnStart(sqliteStore(j), venue, { clock });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    assert.equal(report.checked, N);
    assert.equal(report.byState.open, N);
    assert.equal(report.anomalies, 0);
    console.log(
      `# reconciliation of ${N} open intents: ${ms.toFixed(0)} ms wall clock (${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU in this process, simulator included), ${(N / (ms / 1000)).toFixed(0)} lookups/s`,
    );
    j.close();
  } finally {
    await venue.close?.();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
