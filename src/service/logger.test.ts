import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, redactUrl } from './logger.ts';

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
