/**
 * The dashboard's session cookie expires on the server after its Max-Age (issue 15, item 4), over a
 * real HTTP server with an injected clock: a client that keeps sending the cookie after Max-Age gets
 * 401 on the page, the API and the event stream; a cookie whose issuedAt was edited is refused; the
 * bearer token is not affected, and signing in again opens a new session.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SESSION_COOKIE, SESSION_MAX_AGE_S } from './auth.ts';
import { type ApiServer, createApi } from './server.ts';
import { client } from './testing/client.ts';
import { type ServiceFixture, startServiceFixture } from './testing/service-fixture.ts';

const TOKEN = 'session-token-0123456789abcdef';
const T0 = 1_800_000_000_000;
let clock = T0;
let fx: ServiceFixture;
let api: ApiServer;
let call: ReturnType<typeof client>;

before(async () => {
  fx = await startServiceFixture({ warmBars: 2 });
  api = await createApi(fx.service, { port: 0, token: TOKEN, now: () => clock });
  call = client(api.url, TOKEN);
});
after(async () => {
  await api?.close();
  await fx?.stop();
});

async function signIn(): Promise<string> {
  const r = await call('GET', `/?token=${TOKEN}`, { token: null });
  assert.equal(r.status, 303);
  const setCookie = r.headers.get('set-cookie') ?? '';
  assert.match(setCookie, new RegExp(`; Max-Age=${SESSION_MAX_AGE_S}$`));
  return setCookie.split(';')[0]!;
}

const withCookie = (cookie: string) => ({ token: null, headers: { cookie } });

async function eventsStatus(cookie: string): Promise<number> {
  const ac = new AbortController();
  const r = await fetch(`${api.url}/events`, { headers: { cookie }, signal: ac.signal });
  ac.abort();
  return r.status;
}

test('session cookie: accepted until issuedAt + Max-Age, then 401 everywhere though the client still sends it', async () => {
  clock = T0;
  const session = await signIn();
  assert.match(
    session,
    new RegExp(`^${SESSION_COOKIE}=v2\\.${T0}\\.[0-9a-f]{64}$`),
    'issuedAt is signed into the value',
  );

  clock = T0 + SESSION_MAX_AGE_S * 1000 - 1;
  assert.equal((await call('GET', '/', withCookie(session))).status, 200, 'the last millisecond of Max-Age');
  assert.equal((await call('GET', '/portfolios/main', withCookie(session))).status, 200);
  assert.equal(await eventsStatus(session), 200);

  clock = T0 + SESSION_MAX_AGE_S * 1000;
  const page = await call('GET', '/', withCookie(session));
  assert.equal(page.status, 401, 'expired: the sign-in form');
  assert.match(page.text, /action="\/session"/);
  const status = await call('GET', '/portfolios/main', withCookie(session));
  assert.equal(status.status, 401);
  assert.match(status.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.equal(
    (await call('PUT', '/portfolios/main/target', { ...withCookie(session), body: { target: { BTC: 1 } } })).status,
    401,
  );
  assert.equal(await eventsStatus(session), 401);

  clock = T0 + 30 * SESSION_MAX_AGE_S * 1000;
  assert.equal((await call('GET', '/status', withCookie(session))).status, 401, 'still refused much later');
  assert.equal((await call('GET', '/status')).status, 200, 'the bearer token does not expire');

  const fresh = await signIn();
  assert.notEqual(fresh, session);
  assert.equal((await call('GET', '/status', withCookie(fresh))).status, 200, 'signing in again opens a new session');
});

test('session cookie: an edited issuedAt, a value from another token or the old bare HMAC is refused', async () => {
  clock = T0;
  const session = await signIn();
  const [, issued, mac] = session.slice(SESSION_COOKIE.length + 1).split('.');
  assert.equal(issued, String(T0));
  clock = T0 + SESSION_MAX_AGE_S * 1000 + 5;
  const renewed = `${SESSION_COOKIE}=v2.${clock - 1000}.${mac}`;
  assert.equal((await call('GET', '/status', withCookie(renewed))).status, 401, 'moving issuedAt breaks the HMAC');
  assert.equal((await call('GET', '/status', withCookie(`${SESSION_COOKIE}=${mac}`))).status, 401);
  const form = await fetch(`${api.url}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `token=${TOKEN}`,
    redirect: 'manual',
  });
  assert.equal(form.status, 303);
  const formSession = form.headers.get('set-cookie')?.split(';')[0] ?? '';
  assert.equal(
    (await call('GET', '/status', withCookie(formSession))).status,
    200,
    'the form signs in at the current clock',
  );
  clock += SESSION_MAX_AGE_S * 1000;
  assert.equal((await call('GET', '/status', withCookie(formSession))).status, 401);
});
