/**
 * A reviewed plan is made from one state of the portfolio: once a cycle traded its drift (or a deposit or
 * withdrawal moved a holding), approving it would trade the same drift again. Through the real HTTP API on a
 * live service (replay feed, paper venue, cooldown 0, a 1 bp band so a cycle trades any drift):
 *   - plan, then a scheduled cycle trades, then N concurrent approvals: each 409 "holdings changed", nothing
 *     sent (the cycle's orders are the only ones in the journal);
 *   - plan, then approval with nothing in between: executed (the rule does not refuse a fresh plan).
 * N: STALE_PLAN_N (default 8).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { servedFixture } from '../../src/service/api/testing/served.ts';
import { serviceConfig } from '../../src/service/api/testing/service-fixture.ts';
import { holdingsMoved } from '../../src/service/review.ts';

const N = Number(process.env.STALE_PLAN_N ?? 8);
const TOKEN = 'stale-plan-token-0123456789abcdef';
const t = servedFixture(TOKEN, {
  warmBars: 3,
  config: serviceConfig(1, { trigger: { type: 'band', band: 0.0001 } }),
});

interface Review {
  id: string;
  hash: string;
  plan: { trades: unknown[] };
}

/** Moves BTC's price at the current bar by `bps` (inside the plan's 50 bp price tolerance): a drift to trade. */
function nudge(bps: number): void {
  const m = t.fx.feed.assets.length;
  t.fx.feed.closes[t.fx.feed.bar * m + t.fx.feed.assets.indexOf('BTC')] *= 1 + bps / 1e4;
}

const orderCount = async (): Promise<number> =>
  (await t.fx.service.store.orders.list('main', { limit: 10_000 })).length;

test('a plan approved after a cycle traded its drift is refused (N concurrent), nothing sent twice', async () => {
  nudge(30);
  const p = await t.call<Review>('POST', '/portfolios/main/plan');
  assert.equal(p.status, 201, p.text);
  assert.ok(p.body.plan.trades.length > 0, 'the nudge leaves a drift to trade');
  const before = await orderCount();
  await t.fx.service.runCycle('main'); // the scheduled cycle trades the same drift
  const afterCycle = await orderCount();
  assert.ok(afterCycle > before, 'the cycle traded');
  const answers = await Promise.all(
    Array.from({ length: N }, () =>
      t.call<{ error: string; message: string }>('POST', `/plans/${p.body.id}/execute`, {
        body: { hash: p.body.hash },
      }),
    ),
  );
  for (const a of answers) {
    assert.equal(a.status, 409, a.text);
    assert.match(a.body.message, /holdings changed since the plan|plan is refused \(holdings changed/);
  }
  assert.equal(await orderCount(), afterCycle, 'no approval sent an order');
  const stored = await t.fx.service.store.plans.get(p.body.id);
  assert.equal(stored.state, 'refused');
  assert.match(stored.decisionReason ?? '', /^holdings changed since the plan \(.*BTC|USD/);
});

test('a plan approved with nothing in between executes (the rule does not refuse a fresh plan)', async () => {
  nudge(30);
  const before = await orderCount();
  const q = await t.call<Review>('POST', '/portfolios/main/plan');
  assert.equal(q.status, 201, q.text);
  assert.ok(q.body.plan.trades.length > 0);
  const ok = await t.call<{ executed: boolean }>('POST', `/plans/${q.body.id}/execute`, {
    body: { hash: q.body.hash },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.executed, true);
  assert.ok((await orderCount()) > before, 'the fresh plan traded');
});

test('holdingsMoved: within 0.01 bp of the portfolio value is the same state; a plan without holdings is refused', () => {
  const body = { plan: {} as never, prices: { BTC: 50_000 }, balances: { BTC: 1, USD: 50_000 } };
  assert.equal(holdingsMoved(body, { BTC: 1, USD: 50_000 }), null);
  assert.equal(holdingsMoved(body, { BTC: 1, USD: 50_000.09 }), null, '0.009 bp of 100,000');
  assert.match(holdingsMoved(body, { BTC: 1, USD: 50_000.11 }) ?? '', /USD 50000 → 50000\.11/);
  assert.match(holdingsMoved(body, { BTC: 0.5, USD: 75_000 }) ?? '', /BTC 1 → 0\.5, USD 50000 → 75000/);
  assert.match(holdingsMoved({ plan: {} as never, prices: {} }, {}) ?? '', /does not record the holdings/);
});
