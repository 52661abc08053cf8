/**
 * Review then execute over HTTP (real service, real server on 127.0.0.1), server-sent events, and the
 * dashboard's sign-in (token → HttpOnly SameSite=Strict cookie → redirect to a clean URL).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SESSION_COOKIE } from './auth.ts';
import { servedFixture } from './testing/served.ts';

const TOKEN = 'plans-token-0123456789abcdef';
const t = servedFixture(TOKEN, { warmBars: 3 }, { sseHeartbeatMs: 200 });

interface Review {
  id: string;
  hash: string;
  expiresAt: number;
  plan: { trades: unknown[] };
}

test('plan → execute: the plan has id, hash and expiry; a wrong hash is refused; executed once', async () => {
  const p = await t.call<Review>('POST', '/portfolios/main/plan');
  assert.equal(p.status, 201, p.text);
  assert.match(p.body.hash, /^[0-9a-f]{64}$/);
  assert.ok(p.body.expiresAt > t.fx.feed.now());
  assert.ok(p.body.plan.trades.length > 0, 'ETH is off target at bar 2: the plan trades');
  const pending = await t.call<{ pending: { id: string; state: string } }>('GET', '/portfolios/main/plan');
  assert.deepEqual([pending.body.pending.id, pending.body.pending.state], [p.body.id, 'pending']);
  const wrong = await t.call<{ error: string }>('POST', `/plans/${p.body.id}/execute`, {
    body: { hash: 'f'.repeat(64) },
  });
  assert.equal(wrong.status, 409);
  assert.equal(wrong.body.error, 'plan_changed');
  const ok = await t.call<{ executed: boolean; plan: { state: string } }>('POST', `/plans/${p.body.id}/execute`, {
    body: { hash: p.body.hash },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.executed, true);
  assert.equal(ok.body.plan.state, 'executed');
  const twice = await t.call<{ error: string; message: string }>('POST', `/plans/${p.body.id}/execute`);
  assert.equal(twice.status, 409);
  assert.match(twice.body.message, /executed/);
  assert.equal((await t.call('POST', '/plans/no-such-plan/execute')).status, 404);
  assert.deepEqual((await t.call('GET', '/portfolios/main/plan')).body, { pending: null }, 'nothing pending any more');
});

test('plan refused: expired (410) once the clock passes its expiry; prices moved beyond tolerance (409)', async () => {
  await t.call('PUT', '/portfolios/main/target', { body: { target: { BTC: 0.3, ETH: 0.5, USD: 0.2 } } });
  const p = await t.call<Review>('POST', '/portfolios/main/plan');
  assert.equal(p.status, 201);
  t.fx.feed.bar = 4; // one bar (a day) later: far past the plan's expiry
  const late = await t.call<{ error: string; message: string }>('POST', `/plans/${p.body.id}/execute`);
  assert.equal(late.status, 410, late.text);
  assert.equal(late.body.error, 'plan_expired');
  assert.match(late.body.message, /expired/);

  const q = await t.call<Review>('POST', '/portfolios/main/plan');
  const m = t.fx.feed.assets.length;
  const i = t.fx.feed.assets.indexOf('BTC');
  t.fx.feed.closes[t.fx.feed.bar * m + i] *= 1.02; // +200 bps since the plan
  const moved = await t.call<{ error: string; message: string }>('POST', `/plans/${q.body.id}/execute`);
  assert.equal(moved.status, 409, moved.text);
  assert.equal(moved.body.error, 'plan_refused');
  assert.match(moved.body.message, /BTC moved/);
});

/** Reads SSE frames from /events until `want` events of the given type arrived. */
async function readEvents(headers: Record<string, string>, type: string, trigger: () => Promise<void>) {
  const ctrl = new AbortController();
  const res = await fetch(`${t.api.url}/events`, { headers, signal: ctrl.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  await trigger();
  const deadline = Date.now() + 10_000;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      const frame = buf.split('\n\n').find((f) => f.startsWith(`event: ${type}\n`));
      if (frame !== undefined)
        return JSON.parse(
          frame
            .split('\n')
            .find((l) => l.startsWith('data: '))!
            .slice(6),
        );
    }
  } finally {
    ctrl.abort();
  }
  assert.fail(`no ${type} event; got ${buf}`);
}

test('SSE: a cycle delivers a cycle event with the portfolio view; heartbeats keep the stream open', async () => {
  const e = (await readEvents({ authorization: `Bearer ${TOKEN}` }, 'cycle', () => t.fx.cycleAt(5))) as {
    portfolioId: string;
    at: number;
    view: { value: number };
  };
  assert.equal(e.portfolioId, 'main');
  assert.equal(e.at, t.fx.feed.times[5]);
  assert.equal(e.view.value, (await t.fx.service.portfolio('main')).value);
  const unauth = await fetch(`${t.api.url}/events`);
  assert.equal(unauth.status, 401);
});

test('dashboard sign-in: ?token= sets an HttpOnly SameSite=Strict cookie (an HMAC, not the token) and redirects to /', async () => {
  const page = await t.call('GET', '/', { token: null });
  assert.equal(page.status, 401);
  assert.match(page.text, /<form method="post" action="\/session">/);
  const bad = await t.call('GET', '/?token=nope', { token: null });
  assert.equal(bad.status, 401);
  const r = await t.call('GET', `/?token=${TOKEN}`, { token: null });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/');
  const cookie = r.headers.get('set-cookie') ?? '';
  assert.match(
    cookie,
    new RegExp(`^${SESSION_COOKIE}=v2\\.\\d+\\.[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200$`),
  );
  assert.ok(!cookie.includes(TOKEN));
  const session = cookie.split(';')[0]!;
  const dash = await t.call('GET', '/', { token: null, headers: { cookie: session } });
  assert.equal(dash.status, 200);
  assert.match(dash.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(dash.text, /<script src="\/assets\/echarts\.min\.js">/);
  assert.equal((await t.call('GET', '/portfolios/main', { token: null, headers: { cookie: session } })).status, 200);
  assert.equal(
    (await t.call('GET', '/assets/echarts.min.js', { token: null, headers: { cookie: session } })).status,
    200,
  );
  const e = await readEvents({ cookie: session }, 'cycle', () => t.fx.cycleAt(6));
  assert.ok(e !== undefined, 'the cookie opens the event stream too (EventSource cannot send headers)');
  const form = await fetch(`${t.api.url}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${TOKEN}`,
    redirect: 'manual',
  });
  assert.equal(form.status, 303);
  const formSession = form.headers.get('set-cookie')?.split(';')[0] ?? '';
  assert.match(formSession, new RegExp(`^${SESSION_COOKIE}=v2\\.`));
  assert.equal((await t.call('GET', '/status', { token: null, headers: { cookie: formSession } })).status, 200);
});
