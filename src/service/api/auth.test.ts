import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ApiConfigError, authenticator, isLoopback, loadApiToken, safeEqual, sessionValue } from './auth.ts';

const TOKEN = 'auth-token-0123456789abcdef';

test('isLoopback: only addresses this machine alone can reach', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
    assert.equal(isLoopback(h), true, h);
  for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '::ffff:10.0.0.1'])
    assert.equal(isLoopback(h), false, h);
});

test('loadApiToken: file (owner-only) before env; short, spaced or group-readable tokens refused with the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-token-'));
  try {
    const f = join(dir, 'token');
    writeFileSync(f, `${TOKEN}\n`, { mode: 0o600 });
    assert.equal(loadApiToken({ tokenFile: f }, { BALLAST_API_TOKEN: 'other-token-0123456789' }), TOKEN);
    chmodSync(f, 0o644);
    assert.throws(
      () => loadApiToken({ tokenFile: f }),
      (e: unknown) => e instanceof ApiConfigError && /chmod 600/.test(e.message),
    );
    assert.throws(() => loadApiToken({ tokenFile: join(dir, 'missing') }), /api\.tokenFile: cannot read/);
    assert.equal(loadApiToken({ tokenEnv: 'X' }, { X: TOKEN }), TOKEN);
    assert.equal(loadApiToken({}, { BALLAST_API_TOKEN: TOKEN }), TOKEN);
    assert.equal(loadApiToken({}, {}), undefined);
    assert.throws(() => loadApiToken({ tokenEnv: 'X' }, { X: 'short' }), /at least 16 characters/);
    assert.throws(() => loadApiToken({ tokenEnv: 'X' }, { X: 'has white space in it!' }), /white space/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('authenticator: bearer or session cookie; anything else refused (property)', () => {
  const auth = authenticator(TOKEN);
  assert.equal(auth.check({ authorization: `Bearer ${TOKEN}` }), true);
  assert.equal(auth.check({ cookie: `a=b; ballast_session=${sessionValue(TOKEN)}` }), true);
  assert.equal(auth.check({ cookie: `ballast_session=${TOKEN}` }), false, 'the raw token is not a session');
  assert.equal(auth.check({ authorization: `Basic ${TOKEN}` }), false);
  assert.equal(auth.check({}), false);
  fc.assert(
    fc.property(fc.string(), (s) => {
      fc.pre(s !== TOKEN);
      return !auth.check({ authorization: `Bearer ${s}` }) && !safeEqual(s, TOKEN);
    }),
  );
});
