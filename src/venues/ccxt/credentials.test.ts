import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CredentialsError, defaultEnvNames, loadCredentials } from './credentials.ts';
import { createCcxtVenue } from './factory.ts';

const SECRET = 'S3cr3t-value-never-logged';
const dir = mkdtempSync(join(tmpdir(), 'ballast-keys-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function keyFile(name: string, content: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
}

describe('credentials', () => {
  it('reads the variables it is told to, and names (never shows) a missing one', () => {
    const env = { MY_KEY: 'k-123', MY_SECRET: SECRET };
    assert.deepEqual(loadCredentials({ env: { apiKey: 'MY_KEY', secret: 'MY_SECRET' } }, env), {
      apiKey: 'k-123',
      secret: SECRET,
    });
    assert.throws(
      () => loadCredentials({ env: { apiKey: 'MY_KEY', secret: 'NOPE' } }, env),
      (e: unknown) =>
        e instanceof CredentialsError && /NOPE is not set/.test(e.message) && !e.message.includes('k-123'),
    );
    assert.deepEqual(defaultEnvNames('binance'), {
      apiKey: 'BINANCE_API_KEY',
      secret: 'BINANCE_SECRET',
      password: 'BINANCE_PASSWORD',
    });
  });

  it('reads a JSON key file readable by its owner only', () => {
    const p = keyFile('ok.json', JSON.stringify({ apiKey: 'k', secret: SECRET }));
    assert.deepEqual(loadCredentials({ file: p }), { apiKey: 'k', secret: SECRET });
  });

  it('refuses a group/world-readable file and says how to fix it', { skip: process.platform === 'win32' }, () => {
    const p = keyFile('open.json', JSON.stringify({ apiKey: 'k', secret: SECRET }), 0o644);
    assert.throws(() => loadCredentials({ file: p }), /chmod 600/);
  });

  it('never echoes file content in parse errors', () => {
    const p = keyFile('bad.json', `{"apiKey": "k", "secret": "${SECRET}"`);
    assert.throws(
      () => loadCredentials({ file: p }),
      (e: unknown) => e instanceof CredentialsError && /not valid JSON/.test(e.message) && !e.message.includes(SECRET),
    );
    const q = keyFile('missing.json', JSON.stringify({ apiKey: 'k' }));
    assert.throws(() => loadCredentials({ file: q }), /field "secret" is missing/);
  });

  it('a venue built from config with an unknown exchange id says what to use', () => {
    assert.throws(() => createCcxtVenue({ exchange: 'binanse', clock: { now: () => 0 } }), /not a ccxt exchange id/);
  });
});
