import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parsePortfolio } from '../../src/core/config/parse.ts';
import type { PriceQuote } from '../../src/core/ports.ts';
import type { ResolvedService } from '../../src/service/config/parse.ts';
import { Service } from '../../src/service/service.ts';
import type { PriceSource } from '../../src/venues/paper/paper-venue.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-svc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A feed the test moves by hand: prices and their source times. */
class HandFeed implements PriceSource {
  constructor(
    public px: Record<string, number>,
    public time: number,
  ) {}
  async prices(assets: readonly string[]): Promise<PriceQuote[]> {
    return assets
      .filter((a) => a in this.px)
      .map((a) => ({ asset: a, price: this.px[a]!, time: this.time, source: 'hand' }));
  }
}

const T0 = Date.UTC(2025, 0, 1);
function config(
  over: Record<string, unknown> = {},
  journal = join(dir, `${Math.random().toString(36).slice(2)}.sqlite`),
): ResolvedService {
  const portfolio = parsePortfolio(
    {
      quote: 'USDT',
      target: { BTC: 0.5, ETH: 0.3, USDT: 0.2 },
      trigger: { type: 'band', band: 0.05 },
      costs: { feeBps: 10 },
    },
    'test',
  );
  return {
    journal,
    portfolios: [
      {
        id: 'p1',
        portfolio,
        venue: { type: 'paper', initial: { BTC: 2, ETH: 0, USDT: 10_000 } },
        schedule: { every: '1h' },
        mode: 'live',
        planMode: 'full',
        guards: { maxPriceAgeSeconds: 300, maxDeviationBps: 100, maxSlippageBps: 50 },
        risk: { cooldown: 0, killSwitchAfter: 2 },
        ...over,
      },
    ],
    api: { host: '127.0.0.1', port: 0, tokenEnv: 'X', cors: [], enabled: false },
    alerts: {},
  };
}

async function start(cfg: ResolvedService, feed: HandFeed, clock: { t: number }) {
  return Service.start(cfg, { now: () => clock.t, feed, reference: null, strictGuards: false });
}

test('live mode on a real venue with a single price source refuses to start; paper may; dry-run sends nothing', async () => {
  const clock = { t: T0 };
  const feed = new HandFeed({ BTC: 60_000, ETH: 3_000 }, T0);
  const exchange = { type: 'ccxt', exchange: 'binance', url: 'http://127.0.0.1:9', orderType: 'market' };
  await assert.rejects(
    Service.start(config({ venue: exchange }), { now: () => clock.t, feed, reference: null }),
    /independent reference price/,
  );
  const paper = await Service.start(config(), { now: () => clock.t, feed, reference: null });
  await paper.stop();
  const s = await start(config({ mode: 'dry-run' }), feed, clock);
  const ev = await s.runCycle('p1');
  assert.equal(ev.decision, 'dry_run');
  assert.ok(ev.plan!.trades.length > 0, 'a plan is recorded for review');
  assert.equal(s.journal.orders.list('p1').length, 0, 'dry-run sends no order');
  assert.deepEqual(await s.venues.get('p1')!.balances(), { BTC: 2, ETH: 0, USDT: 10_000 });
  await s.stop();
});

test('a stale price refuses the cycle with the reason recorded and an alert; a fresh one trades', async () => {
  const clock = { t: T0 + 600_000 };
  const feed = new HandFeed({ BTC: 60_000, ETH: 3_000 }, T0);
  const s = await start(config(), feed, clock);
  const alerts: string[] = [];
  s.onAlert((a) => alerts.push(a.kind));
  const ev = await s.runCycle('p1');
  assert.equal(ev.decision, 'refused');
  assert.match(ev.reason, /600 s old, older than maxPriceAgeSeconds 300/);
  assert.ok(alerts.includes('guard'));
  assert.equal(s.journal.cycles.latest('p1')!.decision, 'refused');
  feed.time = clock.t;
  const ok = await s.runCycle('p1');
  assert.equal(ok.decision, 'rebalanced');
  const w = await s.portfolio('p1');
  assert.ok(w.value! > 0);
  await s.stop();
});

test('a non-positive price is refused before anything is planned', async () => {
  const clock = { t: T0 };
  const feed = new HandFeed({ BTC: 0, ETH: 3_000 }, T0);
  const s = await start(config(), feed, clock);
  const ev = await s.runCycle('p1');
  assert.equal(ev.decision, 'refused');
  assert.match(ev.reason, /BTC: price 0 .* not a positive finite number/);
  assert.equal(s.journal.orders.list('p1').length, 0);
  await s.stop();
});

test('paper balances and the journal survive a restart; the rebalanced portfolio holds its target', async () => {
  const clock = { t: T0 };
  const feed = new HandFeed({ BTC: 60_000, ETH: 3_000 }, T0);
  const cfg = config();
  const s1 = await start(cfg, feed, clock);
  assert.equal((await s1.runCycle('p1')).decision, 'rebalanced');
  const b1 = await s1.venues.get('p1')!.balances();
  await s1.stop();
  clock.t += 3_600_000;
  feed.time = clock.t;
  const s2 = await start(cfg, feed, clock);
  assert.deepEqual(await s2.venues.get('p1')!.balances(), b1);
  const ev = await s2.runCycle('p1');
  assert.equal(ev.decision, 'nothing_to_do', 'on target: the band does not fire');
  assert.equal(ev.cycle, 2, 'cycle numbers continue from the journal');
  const w = (await s2.portfolio('p1')).weights;
  assert.ok(Math.abs(w.BTC! - 0.5) < 1e-3 && Math.abs(w.ETH! - 0.3) < 1e-3);
  await s2.stop();
});

test('a deposit is invested buy-only before anything is sold; TWR ignores the flow', async () => {
  const clock = { t: T0 };
  const feed = new HandFeed({ BTC: 60_000, ETH: 3_000 }, T0);
  const s = await start(config(), feed, clock);
  await s.runCycle('p1');
  // BTC rallies: overweight. Then a deposit arrives: the next cycle buys underweights, sells nothing.
  feed.px = { BTC: 75_000, ETH: 3_000 };
  clock.t += 3_600_000;
  feed.time = clock.t;
  await s.cashFlow('p1', 'deposit', 'USDT', 50_000, 'd1');
  const ev = await s.runCycle('p1');
  assert.equal(ev.decision, 'invested');
  assert.ok(ev.plan!.trades.length > 0 && ev.plan!.trades.every((t) => t.side === 'buy'), 'buy-only');
  const v = await s.portfolio('p1');
  assert.ok(v.twr !== null && v.twr > 0.1, `TWR ${v.twr} reflects the BTC rally, not the deposit`);
  assert.ok(v.hodlValue !== null && v.hodlValue > 50_000, 'HODL received the same deposit');
  // The same external id again is not a second deposit.
  await s.cashFlow('p1', 'deposit', 'USDT', 50_000, 'd1');
  assert.equal(s.journal.cashFlows.list('p1').length, 1);
  await s.stop();
});

test('maxOrderNotional skips the big order with its reason; the kill switch pauses after repeated failures', async () => {
  const clock = { t: T0 };
  const feed = new HandFeed({ BTC: 60_000, ETH: 3_000 }, T0);
  const s = await start(config({ risk: { cooldown: 0, killSwitchAfter: 2, maxOrderNotional: 1_000 } }), feed, clock);
  const ev = await s.runCycle('p1');
  const skipped = s.journal.cycles.skipped('p1', ev.cycle);
  assert.ok(skipped.some((k) => k.code === 'max_order_notional' && /exceeds maxOrderNotional 1000/.test(k.reason)));
  // Two failing cycles in a row (no prices at all) trip the kill switch.
  feed.px = {};
  await s.runCycle('p1');
  await s.runCycle('p1');
  const v = await s.portfolio('p1');
  assert.equal(v.paused, false, 'guard refusals are not failures');
  const venue = s.venues.get('p1')!;
  venue.balances = async () => {
    throw new Error('venue down');
  };
  await s.runCycle('p1');
  await s.runCycle('p1');
  assert.equal((await s.portfolio('p1')).paused, true);
  assert.match((await s.portfolio('p1')).pauseReason!, /kill switch: 2 consecutive failures/);
  assert.equal((await s.runCycle('p1')).decision, 'skipped');
  await s.stop();
});

test('review then execute: an expired plan is refused; a fresh one executes exactly', async () => {
  const clock = { t: T0 };
  const feed = new HandFeed({ BTC: 60_000, ETH: 3_000 }, T0);
  const s = await start(config(), feed, clock);
  const p = await s.createPlan('p1');
  assert.ok(p.hash.length > 0 && p.expiresAt > clock.t);
  clock.t = p.expiresAt + 1;
  feed.time = clock.t;
  const late = await s.executePlan(p.id);
  assert.equal(late.executed, false);
  assert.match(late.reason, /expired/);
  const p2 = await s.createPlan('p1');
  feed.px = { BTC: 61_000, ETH: 3_000 };
  const moved = await s.executePlan(p2.id);
  assert.equal(moved.executed, false);
  assert.match(moved.reason, /BTC moved 166\.7 bps/);
  feed.px = { BTC: 60_000, ETH: 3_000 };
  const p3 = await s.createPlan('p1');
  const done = await s.executePlan(p3.id);
  assert.equal(done.executed, true, done.reason);
  assert.equal(s.journal.orders.list('p1').length, p3.plan.trades.length);
  await s.stop();
});
