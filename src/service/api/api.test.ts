/**
 * The API against the real service (paper venues, replayed bars) over a real fastify server on
 * 127.0.0.1 and a random port: authentication, OpenAPI coverage, reads, control routes, metrics.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PortfolioView } from '../facade.ts';
import { METRIC_NAMES } from '../metrics.ts';
import { ApiConfigError } from './auth.ts';
import { type ApiServer, createApi } from './server.ts';
import { client } from './testing/client.ts';
import { type ServiceFixture, startServiceFixture } from './testing/service-fixture.ts';

const TOKEN = 'test-token-0123456789abcdef';
let fx: ServiceFixture;
let api: ApiServer;
let call: ReturnType<typeof client>;

before(async () => {
  fx = await startServiceFixture({ warmBars: 3 });
  api = await createApi(fx.service, { host: '127.0.0.1', port: 0, token: TOKEN });
  call = client(api.url, TOKEN);
});
after(async () => {
  await api?.close();
  await fx?.stop();
});

/** Every route in the OpenAPI document, with a concrete path. */
async function routes(): Promise<{ method: string; path: string }[]> {
  const doc = (await call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')).body;
  const out: { method: string; path: string }[] = [];
  for (const [p, ops] of Object.entries(doc.paths))
    for (const m of Object.keys(ops)) out.push({ method: m.toUpperCase(), path: p.replace('{id}', 'main') });
  return out;
}

test('auth: every route but /health answers 401 without a token and with a wrong one; /health needs none', async () => {
  const all = await routes();
  assert.ok(all.length >= 24, `${all.length} routes`);
  assert.equal((await call('GET', '/health', { token: null })).status, 200);
  for (const r of all) {
    if (r.path === '/health') continue;
    for (const token of [null, 'wrong-token-0123456789abcdef', `${TOKEN}x`]) {
      const res = await call(r.method, r.path, { token, body: r.method === 'GET' ? undefined : {} });
      // The dashboard answers its sign-in page (also 401); /session refuses a missing token with 401 too.
      assert.equal(res.status, 401, `${r.method} ${r.path} with ${token}`);
      assert.ok(!res.text.includes(TOKEN), 'the token is never echoed');
    }
  }
  const lower = await call('GET', '/status', { headers: { authorization: `bearer ${TOKEN}` }, token: null });
  assert.equal(lower.status, 200, 'the scheme is case-insensitive');
});

test('OpenAPI: every route of the brief is documented with its method, and the bearer scheme is global', async () => {
  const doc = (
    await call<{ paths: Record<string, Record<string, { security?: unknown[] }>>; security: unknown[] }>(
      'GET',
      '/openapi.json',
    )
  ).body;
  const want = [
    'get /health',
    'get /status',
    'get /portfolios',
    'get /portfolios/{id}',
    'get /portfolios/{id}/cycles',
    'get /portfolios/{id}/orders',
    'get /portfolios/{id}/fills',
    'get /portfolios/{id}/cash-flows',
    'post /portfolios/{id}/pause',
    'post /portfolios/{id}/resume',
    'put /portfolios/{id}/target',
    'post /portfolios/{id}/deposits',
    'post /portfolios/{id}/withdrawals',
    'post /portfolios/{id}/plan',
    'get /portfolios/{id}/basket',
    'post /plans/{id}/execute',
    'get /events',
    'get /metrics',
    'get /',
    'get /openapi.json',
  ];
  for (const w of want) {
    const [m, p] = w.split(' ') as [string, string];
    assert.ok(doc.paths[p]?.[m] !== undefined, `missing ${w}`);
  }
  assert.deepEqual(doc.security, [{ bearer: [] }]);
  assert.deepEqual(doc.paths['/health']!.get!.security, []);
});

test('reads: status, portfolios, one portfolio with weights, drift and target source, and the journal views', async () => {
  const status = await call<{ portfolios: { id: string }[] }>('GET', '/status');
  assert.equal(status.status, 200);
  assert.deepEqual(
    status.body.portfolios.map((p) => p.id),
    ['main'],
  );
  const list = await call<PortfolioView[]>('GET', '/portfolios');
  assert.equal(list.body.length, 1);
  const v = (await call<PortfolioView>('GET', '/portfolios/main')).body;
  assert.deepEqual(v, JSON.parse(JSON.stringify(await fx.service.portfolio('main'))));
  assert.ok(v.value !== null && v.value > 0);
  assert.equal(v.targetSource.active, 'file');
  for (const a of Object.keys(v.target)) assert.ok(Math.abs(v.drift[a]! - (v.weights[a]! - v.target[a]!)) < 1e-12);
  const cycles = await call<{ cycle: number; decision: string; skipped: unknown[] }[]>(
    'GET',
    '/portfolios/main/cycles?limit=2',
  );
  assert.deepEqual(
    cycles.body.map((c) => c.cycle),
    [3, 2],
  );
  const orders = await call<{ clientOrderId: string; state: string }[]>('GET', '/portfolios/main/orders');
  assert.ok(orders.body.length >= 1 && orders.body.every((o) => /^[0-9a-z]{25}$/.test(o.clientOrderId)));
  const fills = await call<unknown[]>('GET', '/portfolios/main/fills');
  assert.ok(fills.body.length >= 1);
  const flows = await call<{ kind: string; quantity: number }[]>('GET', '/portfolios/main/cash-flows');
  assert.deepEqual(
    flows.body.map((f) => [f.kind, f.quantity]),
    [['deposit', 100_000]],
  );
  const hist = await call<{ value: number | null }[]>('GET', '/portfolios/main/history');
  assert.ok(hist.body.length >= 3 && hist.body.at(-1)!.value === v.value);
  assert.equal((await call('GET', '/portfolios/nope')).status, 404);
  assert.equal((await call('GET', '/portfolios/main/cycles?limit=abc')).status, 400);
});

test('target: validated (field named), stored as a new version, the database wins and status shows both', async () => {
  const bad: [unknown, string, RegExp][] = [
    [{ target: { BTC: 0.5, ETH: 0.3, USD: 0.3 } }, 'target', /sum to 1\.1/],
    [{ target: { BTC: 1.2, ETH: -0.2 } }, 'target.BTC', /between 0 and 1/],
    [{ target: { BTC: 0.5, DOGE: 0.5 } }, 'target.DOGE', /not in portfolio main/],
    [{ target: { BTC: '0.5', USD: 0.5 } }, 'target.BTC', /number/],
    [{ target: { BTC: 0.5, ETH: 0.3, USD: 0.2 }, note: 1 }, 'note', /not a known field/],
    [{}, 'target', /required/],
  ];
  for (const [body, field, msg] of bad) {
    const r = await call<{ field: string; message: string }>('PUT', '/portfolios/main/target', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.field, field, JSON.stringify(r.body));
    assert.match(r.body.message, msg);
  }
  const ok = await call<{ version: { version: number; source: string }; portfolio: PortfolioView }>(
    'PUT',
    '/portfolios/main/target',
    {
      body: { target: { BTC: 0.4, ETH: 0.4, USD: 0.2 } },
    },
  );
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.version.version, 1);
  assert.equal(ok.body.portfolio.targetSource.active, 'database');
  assert.deepEqual(ok.body.portfolio.targetSource.file, { BTC: 0.5, ETH: 0.3, USD: 0.2 });
  assert.deepEqual(ok.body.portfolio.target, { BTC: 0.4, ETH: 0.4, USD: 0.2 });
  // Back to the file's weights (a new version again; the history is kept).
  const back = await call<{ version: { version: number } }>('PUT', '/portfolios/main/target', {
    body: { target: { BTC: 0.5, ETH: 0.3, USD: 0.2 } },
  });
  assert.equal(back.body.version.version, 2);
});

test('deposits and withdrawals: recorded, idempotent per externalId, validated', async () => {
  const d = await call<{ id: number; kind: string }>('POST', '/portfolios/main/deposits', {
    body: { asset: 'USD', quantity: 5000, externalId: 'bank-1' },
  });
  assert.equal(d.status, 201, d.text);
  const again = await call<{ id: number }>('POST', '/portfolios/main/deposits', {
    body: { asset: 'USD', quantity: 5000, externalId: 'bank-1' },
  });
  assert.equal(again.body.id, d.body.id, 'a retried request records one flow');
  const conflict = await call('POST', '/portfolios/main/deposits', {
    body: { asset: 'USD', quantity: 6000, externalId: 'bank-1' },
  });
  assert.equal(conflict.status, 409);
  const w = await call<{ kind: string }>('POST', '/portfolios/main/withdrawals', {
    body: { asset: 'USD', quantity: 100 },
    headers: { 'idempotency-key': 'w-1' },
  });
  assert.equal(w.status, 201);
  assert.equal(w.body.kind, 'withdrawal');
  for (const [body, field] of [
    [{ asset: 'USD', quantity: -1 }, 'quantity'],
    [{ asset: 'USD', quantity: 0 }, 'quantity'],
    [{ asset: 'DOGE', quantity: 1 }, 'asset'],
    [{ quantity: 1 }, 'asset'],
  ] as const) {
    const r = await call<{ field: string }>('POST', '/portfolios/main/deposits', { body });
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.field, field);
  }
  const flows = await call<{ kind: string }[]>('GET', '/portfolios/main/cash-flows');
  assert.deepEqual(
    flows.body.map((f) => f.kind),
    ['deposit', 'deposit', 'withdrawal'],
  );
});

test('pause and resume', async () => {
  const p = await call<PortfolioView>('POST', '/portfolios/main/pause', { body: { reason: 'maintenance' } });
  assert.equal(p.status, 200);
  assert.equal(p.body.paused, true);
  assert.equal(p.body.pauseReason, 'maintenance');
  const r = await call<PortfolioView>('POST', '/portfolios/main/resume');
  assert.equal(r.body.paused, false);
});

test('/metrics: Prometheus text with every metric name, fed by cycle events', async () => {
  await fx.cycleAt(3);
  const m = await call('GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type') ?? '', /^text\/plain/);
  for (const name of METRIC_NAMES) assert.match(m.text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  assert.match(m.text, /^ballast_cycles_total\{portfolio="main",decision="[a-z_]+"\} 1$/m);
  assert.match(m.text, /^ballast_portfolio_drift\{portfolio="main",asset="ETH"\} -?\d/m);
  assert.match(m.text, /^ballast_last_price_age_seconds\{portfolio="main"\} \d/m);
});

test('security defaults: no CORS unless configured; a public address without a token is refused', async () => {
  const r = await call('GET', '/status', { headers: { origin: 'https://evil.example' } });
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  await assert.rejects(createApi(fx.service, { host: '0.0.0.0', port: 0 }), (e: unknown) => {
    assert.ok(e instanceof ApiConfigError);
    assert.match(e.message, /refusing to listen on 0\.0\.0\.0 without a token/);
    return true;
  });
  const local = await createApi(fx.service, { port: 0 });
  try {
    assert.match(local.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(local.generatedToken, true);
    assert.equal((await client(local.url)('GET', '/status', { token: null })).status, 401);
    assert.equal((await client(local.url, local.token)('GET', '/status')).status, 200);
  } finally {
    await local.close();
  }
  const cors = await createApi(fx.service, { port: 0, token: TOKEN, cors: ['https://ops.example'] });
  try {
    const pre = await fetch(`${cors.url}/status`, {
      method: 'OPTIONS',
      headers: { origin: 'https://ops.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://ops.example');
    const other = await client(cors.url, TOKEN)('GET', '/status', { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  } finally {
    await cors.close();
  }
});

test('a batch auction fill (issue #25): its explanation shows in the fills and the orders of the API', async () => {
  const j = fx.service.journal;
  // cycle 1 exists (the fixture ran it); leg 90 is one no cycle placed
  const { clientOrderId } = j.orders.commitIntent({
    portfolioId: 'main',
    cycle: 1,
    leg: 90,
    child: 0,
    venue: 'intents',
    asset: 'ETH',
    quote: 'USD',
    side: 'sell',
    quantity: 3.5,
    orderType: 'limit',
    limitPrice: 2900,
    referencePrice: 3000,
    at: Date.now(),
  });
  j.orders.markSent(clientOrderId, Date.now());
  const fill = { tradeId: 'cow-1', quantity: 3.5, price: 2990, fee: 0.0035, feeAsset: 'ETH', time: Date.now() };
  j.orders.recordFill(clientOrderId, { ...fill, explanation: { matched: 3.1, routed: 0.4 } }, Date.now());
  const fills = await call<{ tradeId: string; matched?: number; routed?: number }[]>('GET', '/portfolios/main/fills');
  const f = fills.body.find((x) => x.tradeId === 'cow-1');
  assert.deepEqual([f?.matched, f?.routed], [3.1, 0.4]);
  assert.ok(fills.body.filter((x) => x.tradeId !== 'cow-1').every((x) => x.matched === undefined));
  const orders = await call<{ clientOrderId: string; matched?: number; routed?: number }[]>(
    'GET',
    '/portfolios/main/orders',
  );
  const o = orders.body.find((x) => x.clientOrderId === clientOrderId);
  assert.deepEqual([o?.matched, o?.routed], [3.1, 0.4]);
});
