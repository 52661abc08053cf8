import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Journal } from '../store/index.ts';
import { sqliteStore } from '../store/ports.ts';
import { type AlertPayload, AlertSender, AlertWebhookConfigError, deliverAlerts } from './alerts.ts';
import type { AlertEvent } from './runner/types.ts';

interface Receiver {
  url: string;
  received: AlertPayload[];
  server: Server;
}

/** A local webhook receiver on 127.0.0.1: answers each request with the next status in `statuses` (then 200). */
async function receiver(statuses: number[] = []): Promise<Receiver> {
  const received: AlertPayload[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const status = statuses.shift() ?? 200;
      if (status === 200) {
        assert.equal(req.headers['content-type'], 'application/json');
        received.push(JSON.parse(body) as AlertPayload);
      }
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook/SECRETPATHxyz`, received, server };
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

function journal(): Journal {
  const j = Journal.open(':memory:', { journalId: 'alerts', now: 1 });
  j.portfolios.upsert({ id: 'main', config: { quote: 'USDT' }, at: 1 });
  return j;
}

test('alerts: every kind is POSTed as JSON and its delivery is recorded in the journal', async () => {
  const r = await receiver();
  servers.push(r.server);
  const j = journal();
  const kinds = ['rebalance', 'skip', 'guard', 'failure'] as const;
  for (const [i, kind] of kinds.entries())
    j.alerts.record({ portfolioId: 'main', at: 1000 + i, level: 'warning', kind, message: `${kind} happened` });
  const sender = new AlertSender({ journal: sqliteStore(j), webhook: r.url, baseDelayMs: 1, now: () => 5000 });
  await sender.flush();
  assert.deepEqual(
    r.received.map((p) => p.kind),
    [...kinds],
  );
  const first = r.received[0]!;
  assert.equal(first.source, 'ballast');
  assert.equal(first.portfolioId, 'main');
  assert.equal(first.time, new Date(1000).toISOString());
  assert.match(first.text, /\[main\] rebalance: rebalance happened/);
  assert.equal(j.alerts.undelivered().length, 0);
  assert.ok(j.alerts.list().every((a) => a.deliveredAt === 5000 && a.deliveryError === null));
});

test('alerts: 5xx and 429 are retried with backoff until delivered; the same id is sent again', async () => {
  const r = await receiver([503, 429, 500]);
  servers.push(r.server);
  const j = journal();
  j.alerts.record({ portfolioId: 'main', at: 1, level: 'critical', kind: 'failure', message: 'order rejected' });
  const delays: number[] = [];
  const sender = new AlertSender({
    journal: sqliteStore(j),
    webhook: r.url,
    attempts: 5,
    baseDelayMs: 100,
    sleep: async (ms) => void delays.push(ms),
  });
  await sender.flush();
  assert.equal(r.received.length, 1);
  assert.equal(delays.length, 3);
  assert.ok(delays[0]! >= 50 && delays[0]! <= 100 && delays[2]! >= 200 && delays[2]! <= 400, String(delays));
  assert.equal(j.alerts.undelivered().length, 0);
});

test('alerts: a receiver that stays down leaves the alert in the outbox with the error (no URL), and a later pass delivers it', async () => {
  const r = await receiver([500, 500, 500]);
  servers.push(r.server);
  const j = journal();
  j.alerts.record({ portfolioId: 'main', at: 1, level: 'warning', kind: 'guard', message: 'stale price' });
  const sender = new AlertSender({
    journal: sqliteStore(j),
    webhook: r.url,
    attempts: 3,
    sleep: async () => undefined,
  });
  await sender.flush();
  const [pending] = j.alerts.undelivered();
  assert.match(pending!.deliveryError!, /HTTP 500 from http:\/\/127\.0\.0\.1:\d+ \(after 3 attempt/);
  assert.ok(!pending!.deliveryError!.includes('SECRETPATH'));
  await sender.flush();
  assert.equal(r.received.length, 1);
  assert.equal(r.received[0]!.id, pending!.id);
  assert.equal(j.alerts.undelivered().length, 0);
});

test('alerts: a refused connection is recorded without the URL; a 400 is not retried', async () => {
  const j = journal();
  j.alerts.record({ portfolioId: 'main', at: 1, level: 'warning', kind: 'skip', message: 'x' });
  const closed = await receiver();
  closed.server.close();
  const s1 = new AlertSender({
    journal: sqliteStore(j),
    webhook: closed.url,
    attempts: 2,
    sleep: async () => undefined,
  });
  await s1.flush();
  assert.match(j.alerts.undelivered()[0]!.deliveryError!, /posting to http:\/\/127\.0\.0\.1/);
  assert.ok(!j.alerts.undelivered()[0]!.deliveryError!.includes('SECRETPATH'));

  const r = await receiver([400]);
  servers.push(r.server);
  let sleeps = 0;
  await new AlertSender({
    journal: sqliteStore(j),
    webhook: r.url,
    attempts: 4,
    sleep: async () => void sleeps++,
  }).flush();
  assert.equal(sleeps, 0);
  assert.match(j.alerts.undelivered()[0]!.deliveryError!, /HTTP 400 .*after 1 attempt/);
});

test('alerts: a bad webhook URL is refused at construction with the field named', () => {
  assert.throws(
    () => new AlertSender({ journal: sqliteStore(journal()), webhook: 'not a url' }),
    AlertWebhookConfigError,
  );
  assert.throws(() => new AlertSender({ journal: sqliteStore(journal()), webhook: 'ftp://x' }), /alerts\.webhook/);
});

test('alerts: deliverAlerts sends what the runner journals as soon as its alert event fires', async () => {
  const r = await receiver();
  servers.push(r.server);
  const j = journal();
  const listeners: ((e: AlertEvent) => void)[] = [];
  const facade = {
    onAlert: (l: (e: AlertEvent) => void) => {
      listeners.push(l);
      return () => {
        listeners.splice(listeners.indexOf(l), 1);
      };
    },
  };
  const stop = deliverAlerts(
    facade,
    new AlertSender({ journal: sqliteStore(j), webhook: r.url, baseDelayMs: 1 }),
    3_600_000,
  );
  j.alerts.record({
    portfolioId: 'main',
    at: 1,
    level: 'critical',
    kind: 'kill_switch',
    message: 'paused after 3 failures',
  });
  for (const l of listeners) l({ portfolioId: 'main', at: 1, level: 'critical', kind: 'kill_switch', message: 'x' });
  for (let i = 0; i < 100 && r.received.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
  assert.deepEqual(
    r.received.map((p) => p.kind),
    ['kill_switch'],
  );
  await stop();
  assert.equal(listeners.length, 0);
});
