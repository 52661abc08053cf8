/** The fault matrix at venue level: each fault's outcome is clear, nothing is sent twice, nothing is lost. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OrderOutcomeUnknownError, OrderRejectedError, type OrderRequest } from '../../core/ports.ts';
import { VenueError } from './errors.ts';
import { maxCreatesPerId, type Rig, rig } from './test-helpers.ts';

const buy = (id: string, quantity = 0.01): OrderRequest => ({
  clientOrderId: id,
  asset: 'BTC',
  quote: 'USDT',
  side: 'buy',
  quantity,
  type: 'market',
  referencePrice: 60000,
});

describe('fault matrix (ccxt venue ↔ simulator)', () => {
  let r: Rig;
  before(async () => {
    r = await rig({}, { timeoutMs: 1000 });
  });
  after(async () => {
    const most = maxCreatesPerId(r.sim);
    await r.stop();
    assert.ok(most <= 1, `at most one create request per client order id, saw ${most}`);
  });

  it('429 on create: rejected as rate limited (not placed, never retried with the same id)', async () => {
    r.sim.faults.status(429);
    await assert.rejects(
      r.venue.place(buy('f429')),
      (e: unknown) => e instanceof OrderRejectedError && /rate limited, not placed/.test(e.reason),
    );
    assert.equal(r.sim.createRequests('f429').length, 1);
    assert.equal((await r.venue.lookup('f429', 'BTC', 'USDT')).status, 'not_found');
  });

  it('429 on reads: retried with back-off; persistent 429 is a clear rate-limit error', async () => {
    r.sim.faults.status(429, { match: { path: '/api/v3/account' }, times: 2 });
    assert.equal((await r.venue.balances()).BTC, 1);
    r.sim.faults.status(429, { match: { path: '/api/v3/account' }, times: 3 });
    await assert.rejects(
      r.venue.balances(),
      (e: unknown) => e instanceof VenueError && e.kind === 'rate-limit' && /slow the schedule down/.test(e.message),
    );
  });

  it('5xx on create after the order executed: unknown, then lookup finds it filled', async () => {
    r.sim.faults.status(503, { execute: true });
    await assert.rejects(r.venue.place(buy('f503a')), OrderOutcomeUnknownError);
    const s = await r.venue.lookup('f503a', 'BTC', 'USDT');
    assert.equal(s.status, 'filled');
    assert.equal(s.fills.length, 1);
  });

  it('5xx on create before execution: unknown, then lookup says not_found (the next cycle re-plans)', async () => {
    r.sim.faults.status(502);
    await assert.rejects(r.venue.place(buy('f502')), OrderOutcomeUnknownError);
    assert.equal((await r.venue.lookup('f502', 'BTC', 'USDT')).status, 'not_found');
  });

  it('timeout after accept: OrderOutcomeUnknownError, then lookup finds it filled with its fills', async () => {
    r.sim.faults.timeoutAfterAccept();
    const t0 = Date.now();
    await assert.rejects(
      r.venue.place(buy('fhang', 0.02)),
      (e: unknown) =>
        e instanceof OrderOutcomeUnknownError &&
        /RequestTimeout/.test(e.message) &&
        /never by re-sending/.test(e.message),
    );
    assert.ok(Date.now() - t0 >= 900);
    const s = await r.venue.lookup('fhang', 'BTC', 'USDT');
    assert.equal(s.status, 'filled');
    assert.equal(s.filledQuantity, 0.02);
    assert.equal(s.fills[0].quantity, 0.02);
    assert.equal(r.sim.createRequests('fhang').length, 1);
  });

  it('timeout before accept: unknown, lookup says not_found', async () => {
    r.sim.faults.timeoutBeforeAccept();
    await assert.rejects(r.venue.place(buy('fdrop')), OrderOutcomeUnknownError);
    assert.equal((await r.venue.lookup('fdrop', 'BTC', 'USDT')).status, 'not_found');
  });

  it('partial fill of a market order: the rest expires; the state says so and carries the fills', async () => {
    r.sim.faults.partialFill(0.4);
    const s = await r.venue.place(buy('fpart', 0.01));
    assert.equal(s.status, 'canceled');
    assert.equal(s.filledQuantity, 0.004);
    assert.match(s.reason ?? '', /expired by the exchange after a partial fill/);
    const l = await r.venue.lookup('fpart', 'BTC', 'USDT');
    assert.equal(l.filledQuantity, 0.004);
    assert.equal(
      l.fills.reduce((a, f) => a + f.quantity, 0),
      0.004,
    );
  });

  it('partial fill of a limit order: partially_filled and still open, the rest fills later', async () => {
    r.sim.faults.partialFill(0.5);
    const s = await r.venue.place({ ...buy('fplim', 0.01), type: 'limit', limitPrice: 60100 });
    assert.equal(s.status, 'partially_filled');
    assert.equal(s.filledQuantity, 0.005);
    r.sim.setPrice('BTC/USDT', 60000);
    const l = await r.venue.lookup('fplim', 'BTC', 'USDT');
    assert.equal(l.status, 'filled');
    assert.equal(l.fills.length, 2);
  });

  it('delayed fill: accepted as open, filled later, lookup sees both states', async () => {
    r.sim.faults.delayedFill();
    const s = await r.venue.place(buy('fdelay'));
    assert.equal(s.status, 'open');
    assert.equal((await r.venue.lookup('fdelay', 'BTC', 'USDT')).status, 'open');
    assert.equal(r.sim.release('fdelay'), 1);
    const l = await r.venue.lookup('fdelay', 'BTC', 'USDT');
    assert.equal(l.status, 'filled');
    assert.equal(l.filledQuantity, 0.01);
  });

  it('clock skew: create is rejected as not placed with the fix named; reads fail with kind "clock"', async () => {
    r.sim.faults.setClockSkew(10_000);
    try {
      await assert.rejects(
        r.venue.place(buy('fskew')),
        (e: unknown) => e instanceof OrderRejectedError && /clock skew/.test(e.reason) && /NTP/.test(e.reason),
      );
      await assert.rejects(r.venue.balances(), (e: unknown) => e instanceof VenueError && e.kind === 'clock');
    } finally {
      r.sim.faults.setClockSkew(0);
    }
    assert.equal((await r.venue.lookup('fskew', 'BTC', 'USDT')).status, 'not_found');
  });

  it('every fill on the simulator is reachable by lookup (no loss)', async () => {
    const ids = [...new Set(r.sim.exchange.trades.map((t) => t.clientOrderId))];
    let simQty = 0;
    let seen = 0;
    for (const id of ids) {
      const s = await r.venue.lookup(id, 'BTC', 'USDT');
      seen += s.fills.length;
      simQty += s.filledQuantity;
    }
    assert.equal(seen, r.sim.exchange.trades.length);
    assert.ok(simQty > 0);
  });
});

describe('authentication failures', () => {
  it('a wrong secret is a clear auth error that never shows the secret', async () => {
    const secret = 'WRONG-super-secret-value-42';
    const r = await rig({}, { secret });
    try {
      await assert.rejects(r.venue.balances(), (e: unknown) => {
        assert.ok(e instanceof VenueError);
        assert.equal(e.kind, 'auth');
        assert.match(e.message, /check the API key, secret and key permissions/);
        assert.ok(!e.message.includes(secret) && !e.message.includes(r.sim.apiKey));
        return true;
      });
      await assert.rejects(
        r.venue.place(buy('auth1')),
        (e: unknown) =>
          e instanceof OrderRejectedError && /authentication failed/.test(e.reason) && !e.message.includes(secret),
      );
    } finally {
      await r.stop();
    }
  });
});

describe('duplicate client order id', () => {
  it('an open order with the same id means an earlier send landed: unknown, resolved by lookup', async () => {
    const r = await rig();
    try {
      const limit: OrderRequest = { ...buy('dupA', 0.001), type: 'limit', limitPrice: 50000 };
      assert.equal((await r.venue.place(limit)).status, 'open');
      await assert.rejects(
        r.venue.place(limit),
        (e: unknown) => e instanceof OrderOutcomeUnknownError && /Duplicate order sent/.test(e.message),
      );
      assert.equal((await r.venue.lookup('dupA', 'BTC', 'USDT')).status, 'open');
    } finally {
      await r.stop();
    }
  });
});
