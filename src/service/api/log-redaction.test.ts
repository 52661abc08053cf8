/**
 * The API token stays out of the request log whatever the encoding of its query key (issue 15, item 4),
 * over a real HTTP server with the service's logger: random encodings of `token` (percent-encoded letters,
 * upper case, `[]`, `;`, encoded `=`, repeated keys) on the dashboard page, an API route and an unknown
 * route (fastify's own 404 text carried the raw URL); the log, decoded, never holds the token.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { createLogger, decodeFully } from '../logger.ts';
import { createApi } from './server.ts';
import { queryWithSecret } from './testing/query-encodings.ts';
import { startServiceFixture } from './testing/service-fixture.ts';

const TOKEN = 'PLANTEDxLOGxAPIxTOKENx0123456789';

function get(port: number, path: string, bearer: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', headers: bearer ? { authorization: `Bearer ${TOKEN}` } : {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject).end();
  });
}

test('request log: for random encodings of the token key, no logged line holds the token (property, real server)', async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  const fx = await startServiceFixture({ warmBars: 1 });
  const api = await createApi(fx.service, { port: 0, token: TOKEN, logger: createLogger({ destination: stream }) });
  try {
    // The example: the server reads `%74oken` as `token` (it signs in), and the log masks it.
    const signIn = await get(api.port, `/?%74oken=${TOKEN}`, false);
    assert.equal(signIn.status, 303);
    assert.match(lines.join(''), /"url":"\/\?%74oken=\[redacted\]"/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/', '/status', '/nope', '/portfolios/main/orders'),
        queryWithSecret(TOKEN),
        fc.boolean(),
        async (path, query, bearer) => {
          const before = lines.length;
          const r = await get(api.port, path + query, bearer);
          const logged = lines.slice(before).join('');
          assert.match(logged, /incoming request/, 'the request was logged');
          assert.ok(!decodeFully(logged).includes(TOKEN), logged);
          assert.ok(!decodeFully(r.body).includes(TOKEN), `the ${r.status} answer echoed the token`);
        },
      ),
      { numRuns: 60 },
    );
    const notFound = await get(api.port, `/nope?token=${TOKEN}`, true);
    assert.equal(notFound.status, 404);
    assert.deepEqual(JSON.parse(notFound.body), { error: 'not_found', message: 'no route GET /nope' });
  } finally {
    await api.close();
    await fx.stop();
  }
});
