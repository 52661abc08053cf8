import assert from 'node:assert/strict';
import { contract } from '../../test/support/stores.ts';
import { portfolioPrefix } from '../core/orders/client-order-id.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import { REDACTED } from './secrets.ts';
import { T0 } from './testing/fixtures.ts';

contract(
  'portfolios: config stored without secrets; a prefix collision between portfolios is refused',
  async (backend) => {
    const st = await backend.open();
    const p = await st.portfolios.upsert({
      id: 'alt',
      name: 'Alt',
      config: { venue: { apiKey: 'K', apiKeyEnv: 'ALT_KEY' } },
      at: T0,
    });
    assert.deepEqual(p.config, { venue: { apiKey: REDACTED, apiKeyEnv: 'ALT_KEY' } });
    assert.equal(p.cidPrefix, portfolioPrefix('alt', 'test'));
    assert.deepEqual(
      (await st.portfolios.list()).map((x) => x.id),
      ['alt', 'main'],
    );
    // Forge a row that owns the prefix 'third' would get: registering 'third' must then fail.
    await st.raw(
      "INSERT INTO portfolios (id, name, cid_prefix, config, created_at, updated_at) VALUES ('forged', 'f', ?, '{}', 0, 0)",
      portfolioPrefix('third', 'test'),
    );
    await assert.rejects(
      async () => await st.portfolios.upsert({ id: 'third', config: {}, at: T0 }),
      (e: unknown) => e instanceof JournalConflictError && /rename one/.test(e.message),
    );
    await assert.rejects(
      async () => await st.portfolios.upsert({ id: 'bad id!', config: {}, at: T0 }),
      JournalInputError,
    );
    await st.close();
  },
);

contract(
  'target versions: a change is a new version, the latest wins, an unchanged target adds nothing',
  async (backend) => {
    const st = await backend.open();
    const v1 = await st.portfolios.addTargetVersion({
      portfolioId: 'main',
      targets: { BTC: 0.6, ETH: 0.4 },
      source: 'file',
      at: T0,
    });
    assert.equal(
      (
        await st.portfolios.addTargetVersion({
          portfolioId: 'main',
          targets: { ETH: 0.4, BTC: 0.6 },
          source: 'file',
          at: T0 + 1,
        })
      ).version,
      1,
    );
    const v2 = await st.portfolios.addTargetVersion({
      portfolioId: 'main',
      targets: { BTC: 0.5, ETH: 0.5 },
      source: 'api',
      note: 'user',
      at: T0 + 2,
    });
    assert.deepEqual([v1.version, v2.version], [1, 2]);
    assert.deepEqual((await st.portfolios.latestTarget('main'))?.targets, { BTC: 0.5, ETH: 0.5 });
    assert.equal((await st.portfolios.targetVersions('main')).length, 2);
    await assert.rejects(
      async () => await st.portfolios.addTargetVersion({ portfolioId: 'x', targets: {}, source: 'api', at: T0 }),
      JournalNotFoundError,
    );
    await st.close();
  },
);

contract(
  'cycles: numbered per portfolio, finished once, skipped trades with reasons, unfinished listed',
  async (backend) => {
    const st = await backend.open();
    assert.equal((await st.cycles.start('main', T0)).cycle, 1);
    assert.equal((await st.cycles.start('main', T0 + 1)).cycle, 2);
    await st.cycles.recordSkipped({
      portfolioId: 'main',
      cycle: 1,
      asset: 'DOGE',
      side: 'buy',
      quantity: 3,
      notional: 0.4,
      code: 'below_min_notional',
      reason: 'notional 0.40 < minimum 5',
      at: T0,
    });
    const c = await st.cycles.finish({
      portfolioId: 'main',
      cycle: 1,
      decision: 'nothing_to_do',
      reason: 'drift 0.3% inside band 5%',
      detail: { drift: 0.003 },
      at: T0 + 5,
    });
    assert.deepEqual([c.decision, c.finishedAt, c.detail], ['nothing_to_do', T0 + 5, { drift: 0.003 }]);
    await assert.rejects(
      async () => await st.cycles.finish({ portfolioId: 'main', cycle: 1, decision: 'x', reason: 'y', at: T0 }),
      JournalConflictError,
    );
    assert.deepEqual(
      (await st.cycles.unfinished()).map((x) => x.cycle),
      [2],
    );
    assert.equal((await st.cycles.skipped('main', 1))[0].code, 'below_min_notional');
    assert.deepEqual(
      (await st.cycles.list('main')).map((x) => x.cycle),
      [2, 1],
    );
    await st.close();
  },
);

contract('cash flows: idempotent per external id, append-only, listed by time', async (backend) => {
  const st = await backend.open();
  const d = await st.cashFlows.record({
    portfolioId: 'main',
    kind: 'deposit',
    asset: 'USDT',
    quantity: 1000,
    value: 1000,
    at: T0,
    externalId: 'req-1',
  });
  assert.equal(
    (
      await st.cashFlows.record({
        portfolioId: 'main',
        kind: 'deposit',
        asset: 'USDT',
        quantity: 1000,
        at: T0 + 9,
        externalId: 'req-1',
      })
    ).id,
    d.id,
  );
  await assert.rejects(
    async () =>
      await st.cashFlows.record({
        portfolioId: 'main',
        kind: 'withdrawal',
        asset: 'USDT',
        quantity: 5,
        at: T0,
        externalId: 'req-1',
      }),
    JournalConflictError,
  );
  await st.cashFlows.record({ portfolioId: 'main', kind: 'withdrawal', asset: 'BTC', quantity: 0.1, at: T0 + 1 });
  assert.deepEqual(
    (await st.cashFlows.list('main')).map((f) => f.kind),
    ['deposit', 'withdrawal'],
  );
  await assert.rejects(
    async () =>
      await st.cashFlows.record({ portfolioId: 'main', kind: 'deposit', asset: 'USDT', quantity: -1, at: T0 }),
    JournalInputError,
  );
  await assert.rejects(async () => await st.raw('DELETE FROM cash_flows'), /append-only/);
  await st.close();
});

contract('plans: a pending plan with hash and expiry, superseded by the next, decided once', async (backend) => {
  const st = await backend.open();
  const a = await st.plans.add({
    id: 'p1',
    portfolioId: 'main',
    plan: { trades: [{ asset: 'BTC', side: 'buy', quantity: 0.1 }] },
    createdAt: T0,
    expiresAt: T0 + 60_000,
  });
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  await st.plans.add({
    id: 'p2',
    portfolioId: 'main',
    plan: { trades: [] },
    createdAt: T0 + 1,
    expiresAt: T0 + 60_000,
  });
  assert.equal((await st.plans.get('p1')).state, 'superseded');
  assert.equal((await st.plans.pending('main'))?.id, 'p2');
  assert.equal(
    (await st.plans.decide('p2', 'executed', { at: T0 + 2, reason: 'approved', cycle: 3 })).state,
    'executed',
  );
  await assert.rejects(
    async () => await st.plans.decide('p2', 'refused', { at: T0 + 3, reason: 'late' }),
    JournalConflictError,
  );
  await assert.rejects(
    async () => await st.plans.add({ id: 'p3', portfolioId: 'main', plan: {}, createdAt: T0, expiresAt: T0 }),
    JournalInputError,
  );
  await st.close();
});

contract('alerts, paper balances, price observations, meta', async (backend) => {
  const st = await backend.open();
  const al = await st.alerts.record({
    portfolioId: 'main',
    at: T0,
    level: 'warning',
    kind: 'stale_price',
    message: 'BTC price 400 s old',
    detail: { ageS: 400 },
  });
  assert.deepEqual(
    (await st.alerts.undelivered()).map((a) => a.id),
    [al.id],
  );
  await st.alerts.markDelivery(al.id, T0 + 1, 'HTTP 500');
  assert.equal((await st.alerts.undelivered())[0].deliveryError, 'HTTP 500');
  await st.alerts.markDelivery(al.id, T0 + 2);
  assert.deepEqual(await st.alerts.undelivered(), []);

  assert.equal(await st.paperAccounts.exists('paper:main'), false);
  await st.paperAccounts.set('paper:main', { USDT: 1000, BTC: 0.1 }, T0);
  assert.deepEqual(await st.paperAccounts.apply('paper:main', { USDT: -400, BTC: 0.01 }, T0 + 1), {
    BTC: 0.11,
    USDT: 600,
  });
  await assert.rejects(
    async () => await st.paperAccounts.apply('paper:main', { USDT: -601, BTC: 1 }, T0 + 2),
    JournalInputError,
  );
  assert.deepEqual(
    await st.paperAccounts.get('paper:main'),
    { BTC: 0.11, USDT: 600 },
    'a refused change writes nothing',
  );

  await st.prices.record('USDT', [
    { asset: 'BTC', price: 40_000, time: T0, source: 'binance' },
    { asset: 'BTC', price: 40_010, time: T0 + 1000, source: 'coinbase' },
  ]);
  assert.deepEqual(
    (await st.prices.history('BTC', 'USDT', { source: 'coinbase' })).map((p) => p.price),
    [40_010],
  );
  await assert.rejects(
    async () => await st.prices.record('USDT', [{ asset: 'ETH', price: 0, time: T0, source: 'x' }]),
    JournalInputError,
  );
  assert.equal(await st.prices.prune(T0 + 1), 1);

  await st.meta.set('service_version', '0.1.0', T0);
  assert.equal(await st.meta.get('service_version'), '0.1.0');
  assert.equal(await st.meta.get('journal_id'), 'test');
  await st.close();
});
