/**
 * End to end, a planted secret never leaks: the API token (environment), an exchange key in a portfolio's
 * config, and a secret in the alert webhook's URL. The service runs cycles, the API serves the dashboard
 * sign-in (`?token=`), bearer requests, a target change, a plan and its execution, an alert delivery fails;
 * then the JSON logs, every response, the database file and its -wal/-shm are grepped (UTF-8 and UTF-16).
 * The journal's own redaction is tested in journal/secrets-file.test.ts; this is the service around it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { sqliteStore } from '../../store/ports.ts';
import { AlertSender } from '../alerts.ts';
import type { ResolvedService } from '../config/parse.ts';
import { createLogger } from '../logger.ts';
import { loadApiToken } from './auth.ts';
import { createApi } from './server.ts';
import { client } from './testing/client.ts';
import { serviceConfig, startServiceFixture } from './testing/service-fixture.ts';

const TOKEN = 'PLANTEDxAPIxTOKENx7c1e9a0b2d4f';
const KEY = 'PLANTEDxEXCHANGExKEYx5a6b7c8d';
const HOOK = 'PLANTEDxHOOKxPATHx11223344';
const NEEDLES = [TOKEN, KEY, HOOK];

function grep(files: string[]): string[] {
  const hits: string[] = [];
  for (const f of files) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    for (const n of NEEDLES)
      if (bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le'))) hits.push(`${f}: ${n}`);
  }
  return hits;
}

test('secrets: a planted token, exchange key and webhook secret reach no log, response or database file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-api-secrets-'));
  const db = join(dir, 'ballast.sqlite');
  const logFile = join(dir, 'service.log');
  const dest = pino.destination({ dest: logFile, sync: true });
  const logger = createLogger({ destination: dest, level: 'debug' });
  const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(500).end()));
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/${HOOK}`;
  const responses: string[] = [];
  try {
    const base = serviceConfig(1);
    const planted = {
      ...base,
      portfolios: base.portfolios.map((p) => ({ ...p, venue: { ...(p.venue as object), apiKey: KEY, secret: KEY } })),
      alerts: { webhook: hook },
    } as unknown as ResolvedService;
    logger.info({ config: planted }, 'service starting'); // what `ballast serve` logs at start
    const token = loadApiToken({ tokenEnv: 'BALLAST_TEST_TOKEN' }, { BALLAST_TEST_TOKEN: TOKEN });
    assert.equal(token, TOKEN);
    const fx = await startServiceFixture({ warmBars: 3, journalPath: db, config: planted });
    fx.service.journal.portfolios.upsert({ id: 'main', config: planted.portfolios[0], at: fx.feed.now() });
    const api = await createApi(fx.service, { port: 0, token, logger });
    const alerts = new AlertSender({
      journal: sqliteStore(fx.service.journal),
      webhook: hook,
      attempts: 2,
      baseDelayMs: 1,
      logger,
    });
    const call = client(api.url, TOKEN);
    try {
      const record = async (p: Promise<{ text: string; headers: Headers }>) => {
        const r = await p;
        responses.push(r.text, JSON.stringify([...r.headers]));
      };
      await record(call('GET', `/?token=${TOKEN}`, { token: null }));
      await record(call('GET', '/status'));
      await record(call('GET', '/portfolios/main'));
      await record(call('GET', '/status', { token: `${TOKEN}x` }));
      await record(call('PUT', '/portfolios/main/target', { body: { target: { BTC: 0.2, ETH: 0.6, USD: 0.2 } } }));
      await record(call('POST', '/portfolios/main/deposits', { body: { asset: 'USD', quantity: 10, apiKey: KEY } }));
      await fx.cycleAt(3);
      const plan = await call<{ id: string }>('POST', '/portfolios/main/plan');
      responses.push(plan.text);
      await record(call('POST', `/plans/${plan.body.id}/execute`));
      await record(call('GET', '/portfolios/main/alerts'));
      await record(call('GET', '/openapi.json'));
      await record(call('GET', '/metrics'));
      fx.service.journal.alerts.record({
        portfolioId: 'main',
        at: fx.feed.now(),
        level: 'warning',
        kind: 'guard',
        message: 'test',
      });
      await alerts.flush();
      assert.ok(
        fx.service.journal.alerts.undelivered().length > 0,
        'the receiver answered 500: delivery errors are stored',
      );
    } finally {
      await alerts.stop();
      await api.close();
      await fx.stop();
    }
    dest.flushSync();
    const log = readFileSync(logFile, 'utf8');
    assert.match(log, /service starting/);
    assert.match(log, /"url":"\/\?token=\[redacted\]"/, 'the request was logged, its token masked');
    assert.match(log, /alert webhook delivery failed/);
    assert.deepEqual(grep([logFile, db, `${db}-wal`, `${db}-shm`]), []);
    for (const n of NEEDLES) assert.ok(!responses.join('\n').includes(n), `a response carried ${n}`);
  } finally {
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
