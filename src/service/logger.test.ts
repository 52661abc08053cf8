import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { queryWithSecret } from './api/testing/query-encodings.ts';
import { createLogger, decodeFully, redactUrl, serializeRequest } from './logger.ts';

const KEY = 'PLANTEDxLOGxKEYx1234';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, stream };
}

test('logger: secret-named keys are redacted at any depth; references and errors are kept', () => {
  const { lines, stream } = capture();
  const log = createLogger({ destination: stream, level: 'debug' });
  log.info(
    {
      config: { venue: { apiKey: KEY, secret: KEY, apiKeyEnv: 'BINANCE_KEY' }, wallets: [{ privateKey: KEY }] },
      password: KEY,
      token: KEY,
      headers: { authorization: `Bearer ${KEY}`, cookie: `ballast_session=${KEY}` },
      alerts: { webhook: `https://hooks.slack.com/services/${KEY}` },
      err: new Error('boom'),
    },
    'starting',
  );
  const text = lines.join('');
  assert.ok(!text.includes(KEY), text);
  const obj = JSON.parse(lines[0]!) as Record<string, unknown> & { config: { venue: Record<string, unknown> } };
  assert.equal(obj.config.venue.apiKeyEnv, 'BINANCE_KEY');
  assert.equal(obj.config.venue.apiKey, '[redacted]');
  assert.match(JSON.stringify(obj.err), /boom/);
  assert.deepEqual(obj.alerts, { webhook: 'https://hooks.slack.com/[redacted]' });
});

test('logger: request URLs lose their ?token= value', () => {
  assert.equal(redactUrl(`/?token=${KEY}&x=1`), '/?token=[redacted]&x=1');
  assert.equal(redactUrl('/portfolios/main'), '/portfolios/main');
  const { lines, stream } = capture();
  createLogger({ destination: stream }).info({ req: { method: 'GET', url: `/?token=${KEY}`, ip: '127.0.0.1' } }, 'r');
  assert.ok(!lines.join('').includes(KEY));
});

test('logger: the token is masked whatever the encoding of its query key (examples from issue 15)', () => {
  const cases: [string, string][] = [
    [`/?%74oken=${KEY}`, '/?%74oken=[redacted]'],
    [`/?TOKEN=${KEY}`, '/?TOKEN=[redacted]'],
    [`/?%54oken=${KEY}`, '/?%54oken=[redacted]'],
    [`/?token[]=${KEY}`, '/?token[]=[redacted]'],
    [`/?%74oken%5B%5D=${KEY}`, '/?%74oken%5B%5D=[redacted]'],
    [`/?token=${KEY}&token=${KEY}`, '/?token=[redacted]&token=[redacted]'],
    [`/?portfolio=main;token=${KEY}`, '/?portfolio=main;token=[redacted]'],
    [`/?token%3D${KEY}`, '/?token=[redacted]'],
    [`/?token%253D${KEY}`, '/?token=[redacted]'],
    [`/?%2574oken=${KEY}`, '/?%2574oken=[redacted]'],
    [`/?next=%2F%3Ftoken%3D${KEY}`, '/?next=[redacted]'],
    [`/?apiKey=${KEY}&x-api-key=${KEY}`, '/?apiKey=[redacted]&x-api-key=[redacted]'],
  ];
  for (const [url, want] of cases) assert.equal(redactUrl(url), want, url);
  // Ordinary parameters are kept as they came.
  assert.equal(
    redactUrl('/portfolios/main/orders?limit=5&portfolio=a%20b'),
    '/portfolios/main/orders?limit=5&portfolio=a%20b',
  );
});

test('logger: for random encodings of the key, no logged line holds the token, even decoded (property)', () => {
  fc.assert(
    fc.property(fc.constantFrom('/', '/status', '/nope'), queryWithSecret(KEY), (path, query) => {
      const url = path + query;
      const { lines, stream } = capture();
      const log = createLogger({ destination: stream, level: 'debug' });
      log.info({ req: { method: 'GET', url, ip: '127.0.0.1' } }, 'incoming request');
      log.info(`Route GET:${url} not found`); // fastify's free-text 404 message
      log.warn({ err: new Error(`Reply was already sent in the "${url}" (GET) route`), url }, 'x');
      const text = lines.join('');
      return !decodeFully(text).includes(KEY) && !decodeFully(String(serializeRequest({ url }).url)).includes(KEY);
    }),
    { numRuns: 300 },
  );
});
