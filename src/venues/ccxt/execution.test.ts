import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type ExecutionOptions, execute } from './execution.ts';
import { executeRoute } from './route-execution.ts';
import { maxCreatesPerId, type Rig, rig, wallClock } from './test-helpers.ts';

let seq = 0;
/** A fresh deterministic id family per test, as the journal would give: <prefix>c<child>. */
const ids = (): ((n: number) => string) => {
  const p = `x${++seq}`;
  return (n) => `${p}c${n}`;
};

describe('execution strategies against the simulator', () => {
  let r: Rig;
  before(async () => {
    r = await rig({ balances: { USDT: '1000000', BTC: '5', ETH: '10', ADA: '100000' } });
  });
  beforeEach(() => {
    r.sim.faults.clear();
    r.sim.setPrice('BTC/USDT', 60000);
  });
  after(async () => {
    const most = maxCreatesPerId(r.sim);
    await r.stop();
    assert.ok(most <= 1, `at most one create request per client order id, saw ${most}`);
  });

  const market = (childId: (n: number) => string, extra: Partial<ExecutionOptions> = {}): ExecutionOptions => ({
    strategy: { kind: 'market' },
    childId,
    now: wallClock.now,
    ...extra,
  });

  it('market order split into equal chunks of at most maxChunkNotional, each with its own id', async () => {
    const childId = ids();
    const sent: string[] = [];
    const rep = await execute(
      r.venue,
      { asset: 'BTC', quote: 'USDT', side: 'buy', quantity: 0.05, referencePrice: 60000 },
      market(childId, {
        maxChunkNotional: 1000,
        hooks: { beforeSend: (o) => void sent.push(`${o.clientOrderId}:${o.quantity}`) },
      }),
    );
    assert.equal(rep.status, 'filled');
    assert.deepEqual(sent, [`${childId(0)}:0.01666`, `${childId(1)}:0.01667`, `${childId(2)}:0.01667`]);
    assert.ok(Math.abs(rep.filledQuantity - 0.05) < 1e-12);
    assert.equal(rep.children.length, 3);
    assert.equal(rep.nextChild, 3);
  });

  it('partial fill: the expired rest is sent again as a new child', async () => {
    const childId = ids();
    r.sim.faults.partialFill(0.3);
    const rep = await execute(
      r.venue,
      { asset: 'ETH', quote: 'USDT', side: 'sell', quantity: 1, referencePrice: 3000 },
      market(childId),
    );
    assert.equal(rep.status, 'filled');
    assert.deepEqual(
      rep.children.map((c) => [c.clientOrderId, c.filledQuantity]),
      [
        [childId(0), 0.3],
        [childId(1), 0.7],
      ],
    );
  });

  it('limit at the touch, re-pegged when the touch moves, until filled', async () => {
    const childId = ids();
    const prices: number[] = [];
    const rep = await execute(
      r.venue,
      { asset: 'BTC', quote: 'USDT', side: 'buy', quantity: 0.01, referencePrice: 60000 },
      {
        strategy: { kind: 'limit', repegMs: 150, timeoutMs: 5000, pollMs: 30 },
        childId,
        now: wallClock.now,
        hooks: {
          beforeSend: (o, n) => {
            prices.push(o.limitPrice ?? 0);
            if (n === 0) r.sim.setPrice('BTC/USDT', 60100); // market runs away from the first peg
          },
          onState: (s) => {
            if (s.clientOrderId === childId(1) && s.status === 'open') r.sim.setPrice('BTC/USDT', 60000); // comes back: the new peg fills
          },
        },
      },
    );
    assert.equal(rep.status, 'filled');
    assert.deepEqual(prices, [59994, 60093.99]);
    assert.deepEqual(
      rep.children.map((c) => c.status),
      ['canceled', 'filled'],
    );
    assert.equal(rep.averagePrice, 60093.99);
  });

  it('limit timeout: the rest is canceled and the reason recorded', async () => {
    const rep = await execute(
      r.venue,
      { asset: 'BTC', quote: 'USDT', side: 'buy', quantity: 0.01, referencePrice: 60000 },
      { strategy: { kind: 'limit', repegMs: 100, timeoutMs: 300, pollMs: 30 }, childId: ids(), now: wallClock.now },
    );
    assert.equal(rep.status, 'none');
    assert.match(rep.reason ?? '', /limit timeout after 300 ms: 0.01 BTC not filled/);
    assert.equal(r.sim.exchange.orders.filter((o) => r.sim.exchange.isOpen(o)).length, 0);
  });

  it('limit timeout with onTimeout "market": the rest is taken at market', async () => {
    const childId = ids();
    const rep = await execute(
      r.venue,
      { asset: 'BTC', quote: 'USDT', side: 'sell', quantity: 0.01, referencePrice: 60000 },
      {
        strategy: { kind: 'limit', repegMs: 100, timeoutMs: 200, pollMs: 30, onTimeout: 'market' },
        childId,
        now: wallClock.now,
      },
    );
    assert.equal(rep.status, 'filled');
    assert.deepEqual(
      rep.children.map((c) => c.status),
      ['canceled', 'filled'],
    );
  });

  it('an unknown outcome stops the execution: no further child, the id to resolve is reported', async () => {
    const childId = ids();
    r.sim.faults.timeoutAfterAccept({ path: '/api/v3/order', method: 'POST', clientOrderId: childId(1) });
    const rep = await execute(
      r.venue,
      { asset: 'BTC', quote: 'USDT', side: 'buy', quantity: 0.03, referencePrice: 60000 },
      market(childId, { maxChunkNotional: 600 }),
    );
    assert.equal(rep.status, 'unknown');
    assert.equal(rep.unknownClientOrderId, childId(1));
    assert.equal(r.sim.createRequests(childId(2)).length, 0);
    assert.equal((await r.venue.lookup(childId(1), 'BTC', 'USDT')).status, 'filled');
  });

  it('a remainder below the minimum is skipped with the reason', async () => {
    const rep = await execute(
      r.venue,
      { asset: 'BTC', quote: 'USDT', side: 'buy', quantity: 0.00005, referencePrice: 60000 },
      market(ids()),
    );
    assert.equal(rep.status, 'none');
    assert.match(rep.reason ?? '', /skipped: notional/);
  });

  it('two-leg route: sells ADA through BTC into USDT, and buys it back the same way', async () => {
    const route = await r.venue.route('ADA', 'USDT');
    assert.equal(route?.via, 'BTC');
    if (route === undefined) return;
    const before = r.sim.state().balances;
    const childId = ids();
    const sell = await executeRoute(r.venue, route, { side: 'sell', quantity: 1000 }, market(childId));
    assert.equal(sell.status, 'filled');
    assert.equal(sell.assetQuantity, 1000);
    assert.deepEqual(
      sell.legs.map((l) => l.children.map((c) => c.clientOrderId)),
      [[childId(0)], [childId(1)]],
    );
    // 1000 ADA × 0.00000599 = 0.00599 BTC − 0.1 % = 0.00598401 → 0.00598 sold at 59994 − 0.1 %.
    assert.ok(Math.abs(sell.quoteAmount - 0.00598 * 59994 * 0.999) < 1e-6);
    const after = r.sim.state().balances;
    assert.equal(Number(after.ADA.free), Number(before.ADA.free) - 1000);
    const buy = await executeRoute(
      r.venue,
      route,
      { side: 'buy', quantity: 1000 },
      market(childId, { firstChild: sell.legs[1].nextChild }),
    );
    assert.equal(buy.status, 'filled');
    assert.equal(buy.legs[1].filledQuantity, 1000);
    assert.equal(buy.assetQuantity, 999); // 0.1 % commission taken in ADA
    // 1000 × 0.00000601 BTC × 60006 = 360.64 USDT at the asks; plus both fees and the 30 bp buffer (kept as BTC).
    assert.ok(buy.quoteAmount > 360.64 && buy.quoteAmount < 360.64 * 1.008, `spent ${buy.quoteAmount} USDT`);
  });
});
