import assert from 'node:assert/strict';
import { test } from 'node:test';
import { portfolioPrefix } from '../core/orders/client-order-id.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import { REDACTED } from './secrets.ts';
import { journalWithPortfolio, T0 } from './testing/fixtures.ts';

test('portfolios: config stored without secrets; a prefix collision between portfolios is refused', () => {
  const j = journalWithPortfolio();
  const p = j.portfolios.upsert({
    id: 'alt',
    name: 'Alt',
    config: { venue: { apiKey: 'K', apiKeyEnv: 'ALT_KEY' } },
    at: T0,
  });
  assert.deepEqual(p.config, { venue: { apiKey: REDACTED, apiKeyEnv: 'ALT_KEY' } });
  assert.equal(p.cidPrefix, portfolioPrefix('alt', 'test'));
  assert.deepEqual(
    j.portfolios.list().map((x) => x.id),
    ['alt', 'main'],
  );
  // Forge a row that owns the prefix 'third' would get: registering 'third' must then fail.
  j.db
    .prepare(
      "INSERT INTO portfolios (id, name, cid_prefix, config, created_at, updated_at) VALUES ('forged', 'f', ?, '{}', 0, 0)",
    )
    .run(portfolioPrefix('third', 'test'));
  assert.throws(
    () => j.portfolios.upsert({ id: 'third', config: {}, at: T0 }),
    (e: unknown) => e instanceof JournalConflictError && /rename one/.test(e.message),
  );
  assert.throws(() => j.portfolios.upsert({ id: 'bad id!', config: {}, at: T0 }), JournalInputError);
  j.close();
});

test('target versions: a change is a new version, the latest wins, an unchanged target adds nothing', () => {
  const j = journalWithPortfolio();
  const v1 = j.portfolios.addTargetVersion({
    portfolioId: 'main',
    targets: { BTC: 0.6, ETH: 0.4 },
    source: 'file',
    at: T0,
  });
  assert.equal(
    j.portfolios.addTargetVersion({ portfolioId: 'main', targets: { ETH: 0.4, BTC: 0.6 }, source: 'file', at: T0 + 1 })
      .version,
    1,
  );
  const v2 = j.portfolios.addTargetVersion({
    portfolioId: 'main',
    targets: { BTC: 0.5, ETH: 0.5 },
    source: 'api',
    note: 'user',
    at: T0 + 2,
  });
  assert.deepEqual([v1.version, v2.version], [1, 2]);
  assert.deepEqual(j.portfolios.latestTarget('main')?.targets, { BTC: 0.5, ETH: 0.5 });
  assert.equal(j.portfolios.targetVersions('main').length, 2);
  assert.throws(
    () => j.portfolios.addTargetVersion({ portfolioId: 'x', targets: {}, source: 'api', at: T0 }),
    JournalNotFoundError,
  );
  j.close();
});

test('cycles: numbered per portfolio, finished once, skipped trades with reasons, unfinished listed', () => {
  const j = journalWithPortfolio();
  assert.equal(j.cycles.start('main', T0).cycle, 1);
  assert.equal(j.cycles.start('main', T0 + 1).cycle, 2);
  j.cycles.recordSkipped({
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
  const c = j.cycles.finish({
    portfolioId: 'main',
    cycle: 1,
    decision: 'nothing_to_do',
    reason: 'drift 0.3% inside band 5%',
    detail: { drift: 0.003 },
    at: T0 + 5,
  });
  assert.deepEqual([c.decision, c.finishedAt, c.detail], ['nothing_to_do', T0 + 5, { drift: 0.003 }]);
  assert.throws(
    () => j.cycles.finish({ portfolioId: 'main', cycle: 1, decision: 'x', reason: 'y', at: T0 }),
    JournalConflictError,
  );
  assert.deepEqual(
    j.cycles.unfinished().map((x) => x.cycle),
    [2],
  );
  assert.equal(j.cycles.skipped('main', 1)[0].code, 'below_min_notional');
  assert.deepEqual(
    j.cycles.list('main').map((x) => x.cycle),
    [2, 1],
  );
  j.close();
});

test('cash flows: idempotent per external id, append-only, listed by time', () => {
  const j = journalWithPortfolio();
  const d = j.cashFlows.record({
    portfolioId: 'main',
    kind: 'deposit',
    asset: 'USDT',
    quantity: 1000,
    value: 1000,
    at: T0,
    externalId: 'req-1',
  });
  assert.equal(
    j.cashFlows.record({
      portfolioId: 'main',
      kind: 'deposit',
      asset: 'USDT',
      quantity: 1000,
      at: T0 + 9,
      externalId: 'req-1',
    }).id,
    d.id,
  );
  assert.throws(
    () =>
      j.cashFlows.record({
        portfolioId: 'main',
        kind: 'withdrawal',
        asset: 'USDT',
        quantity: 5,
        at: T0,
        externalId: 'req-1',
      }),
    JournalConflictError,
  );
  j.cashFlows.record({ portfolioId: 'main', kind: 'withdrawal', asset: 'BTC', quantity: 0.1, at: T0 + 1 });
  assert.deepEqual(
    j.cashFlows.list('main').map((f) => f.kind),
    ['deposit', 'withdrawal'],
  );
  assert.throws(
    () => j.cashFlows.record({ portfolioId: 'main', kind: 'deposit', asset: 'USDT', quantity: -1, at: T0 }),
    JournalInputError,
  );
  assert.throws(() => j.db.prepare('DELETE FROM cash_flows').run(), /append-only/);
  j.close();
});

test('plans: a pending plan with hash and expiry, superseded by the next, decided once', () => {
  const j = journalWithPortfolio();
  const a = j.plans.add({
    id: 'p1',
    portfolioId: 'main',
    plan: { trades: [{ asset: 'BTC', side: 'buy', quantity: 0.1 }] },
    createdAt: T0,
    expiresAt: T0 + 60_000,
  });
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  j.plans.add({ id: 'p2', portfolioId: 'main', plan: { trades: [] }, createdAt: T0 + 1, expiresAt: T0 + 60_000 });
  assert.equal(j.plans.get('p1').state, 'superseded');
  assert.equal(j.plans.pending('main')?.id, 'p2');
  assert.equal(j.plans.decide('p2', 'executed', { at: T0 + 2, reason: 'approved', cycle: 3 }).state, 'executed');
  assert.throws(() => j.plans.decide('p2', 'refused', { at: T0 + 3, reason: 'late' }), JournalConflictError);
  assert.throws(
    () => j.plans.add({ id: 'p3', portfolioId: 'main', plan: {}, createdAt: T0, expiresAt: T0 }),
    JournalInputError,
  );
  j.close();
});

test('alerts, paper balances, price observations, meta', () => {
  const j = journalWithPortfolio();
  const al = j.alerts.record({
    portfolioId: 'main',
    at: T0,
    level: 'warning',
    kind: 'stale_price',
    message: 'BTC price 400 s old',
    detail: { ageS: 400 },
  });
  assert.deepEqual(
    j.alerts.undelivered().map((a) => a.id),
    [al.id],
  );
  j.alerts.markDelivery(al.id, T0 + 1, 'HTTP 500');
  assert.equal(j.alerts.undelivered()[0].deliveryError, 'HTTP 500');
  j.alerts.markDelivery(al.id, T0 + 2);
  assert.deepEqual(j.alerts.undelivered(), []);

  assert.equal(j.paperAccounts.exists('paper:main'), false);
  j.paperAccounts.set('paper:main', { USDT: 1000, BTC: 0.1 }, T0);
  assert.deepEqual(j.paperAccounts.apply('paper:main', { USDT: -400, BTC: 0.01 }, T0 + 1), { BTC: 0.11, USDT: 600 });
  assert.throws(() => j.paperAccounts.apply('paper:main', { USDT: -601, BTC: 1 }, T0 + 2), JournalInputError);
  assert.deepEqual(j.paperAccounts.get('paper:main'), { BTC: 0.11, USDT: 600 }, 'a refused change writes nothing');

  j.prices.record('USDT', [
    { asset: 'BTC', price: 40_000, time: T0, source: 'binance' },
    { asset: 'BTC', price: 40_010, time: T0 + 1000, source: 'coinbase' },
  ]);
  assert.deepEqual(
    j.prices.history('BTC', 'USDT', { source: 'coinbase' }).map((p) => p.price),
    [40_010],
  );
  assert.throws(() => j.prices.record('USDT', [{ asset: 'ETH', price: 0, time: T0, source: 'x' }]), JournalInputError);
  assert.equal(j.prices.prune(T0 + 1), 1);

  j.meta.set('service_version', '0.1.0', T0);
  assert.equal(j.meta.get('service_version'), '0.1.0');
  assert.equal(j.meta.get('journal_id'), 'test');
  assert.deepEqual(j.check(), []);
  j.close();
});
