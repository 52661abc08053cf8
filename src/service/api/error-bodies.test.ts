/**
 * Every error answer of the API is `{ error, message }` (issue #17 item 2), over a real HTTP server:
 * an unknown route, a body over the limit (413), a wrong media type, and sign-in attempts past the limit
 * (POST /session: 429 rate_limited with Retry-After, then a right token is refused too until the window ends).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SIGN_IN_ATTEMPTS_PER_MINUTE } from '../dashboard/routes.ts';
import { type ApiServer, createApi } from './server.ts';
import { type ServiceFixture, startServiceFixture } from './testing/service-fixture.ts';

const TOKEN = 'error-bodies-token-0123456789abcdef';
let fx: ServiceFixture;
let api: ApiServer;

before(async () => {
  fx = await startServiceFixture({ warmBars: 2 });
  api = await createApi(fx.service, { port: 0, token: TOKEN });
});
after(async () => {
  await api?.close();
  await fx?.stop();
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function errorBody(r: Response): Promise<{ error: string; message: string }> {
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  const body = (await r.json()) as Record<string, unknown>;
  assert.equal(typeof body.error, 'string', JSON.stringify(body));
  assert.equal(typeof body.message, 'string', JSON.stringify(body));
  assert.ok((body.message as string).length > 0);
  return body as { error: string; message: string };
}

test('unknown route, 413 and 415 answer { error, message }', async () => {
  const unknown = await fetch(`${api.url}/nope?x=1`, { headers: auth });
  assert.equal(unknown.status, 404);
  assert.equal((await errorBody(unknown)).error, 'not_found');

  const big = await fetch(`${api.url}/portfolios/main/pause`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'x'.repeat(200_000) }),
  });
  assert.equal(big.status, 413);
  await errorBody(big);

  const media = await fetch(`${api.url}/portfolios/main/pause`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: 'a,b',
  });
  assert.equal(media.status, 415);
  await errorBody(media);
});

test(`POST /session: after ${SIGN_IN_ATTEMPTS_PER_MINUTE} attempts a minute, 429 rate_limited`, async () => {
  const attempt = (token: string) =>
    fetch(`${api.url}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
  for (let i = 0; i < SIGN_IN_ATTEMPTS_PER_MINUTE; i++) {
    const r = await attempt(`wrong-${i}`);
    assert.notEqual(r.status, 429, `attempt ${i + 1} is allowed`);
    await r.arrayBuffer();
  }
  const limited = await attempt(TOKEN);
  assert.equal(limited.status, 429, 'even the right token waits for the window');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  const body = await errorBody(limited);
  assert.equal(body.error, 'rate_limited');
  assert.match(body.message, /too many attempts from this address; try again in \d+ s/);
  // The API itself (bearer token) is not limited by sign-in attempts.
  assert.equal((await fetch(`${api.url}/portfolios/main`, { headers: auth })).status, 200);
});
