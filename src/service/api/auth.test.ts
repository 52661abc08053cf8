import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ApiConfigError,
  authenticator,
  isLoopback,
  loadApiToken,
  SESSION_MAX_AGE_S,
  safeEqual,
  sessionValid,
  sessionValue,
} from './auth.ts';

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
  const now = Date.now();
  const auth = authenticator(TOKEN, { now: () => now });
  assert.equal(auth.check({ authorization: `Bearer ${TOKEN}` }), true);
  assert.equal(auth.check({ cookie: `a=b; ballast_session=${sessionValue(TOKEN, now - 1000)}` }), true);
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

test('session cookies: valid from issuedAt for Max-Age seconds, then refused; a changed issuedAt or another token fails the HMAC', () => {
  const t0 = 1_700_000_000_000;
  const v = sessionValue(TOKEN, t0);
  assert.match(v, /^v2\.1700000000000\.[0-9a-f]{64}$/);
  assert.equal(sessionValid(TOKEN, v, t0), true);
  assert.equal(sessionValid(TOKEN, v, t0 + SESSION_MAX_AGE_S * 1000 - 1), true, 'the last millisecond of Max-Age');
  assert.equal(sessionValid(TOKEN, v, t0 + SESSION_MAX_AGE_S * 1000), false, 'expired at issuedAt + Max-Age');
  assert.equal(sessionValid(TOKEN, v, t0 + 10 * SESSION_MAX_AGE_S * 1000), false);
  assert.equal(sessionValid(TOKEN, v, t0 - 10 * 60_000), false, 'issued far in the future');
  assert.equal(sessionValid(TOKEN, v, t0 + 5000, 5), false, 'a shorter lifetime');
  const mac = v.split('.')[2]!;
  assert.equal(
    sessionValid(TOKEN, `v2.${t0 + 3_600_000}.${mac}`, t0 + SESSION_MAX_AGE_S * 1000),
    false,
    'renewed by hand',
  );
  assert.equal(sessionValid(`${TOKEN}x`, v, t0), false, 'a rotated token signs the browser out');
  assert.equal(sessionValid(TOKEN, mac, t0), false, 'the bare HMAC (the old cookie format) is refused');
  let clock = t0;
  const auth = authenticator(TOKEN, { now: () => clock, sessionMaxAgeS: 60 });
  const cookie = auth.sessionCookie(false);
  assert.match(cookie, /; Max-Age=60$/);
  const header = { cookie: cookie.split(';')[0]! };
  assert.equal(auth.check(header), true);
  clock += 59_999;
  assert.equal(auth.check(header), true);
  clock += 1;
  assert.equal(auth.check(header), false);
  assert.equal(auth.check({ authorization: `Bearer ${TOKEN}` }), true, 'the bearer token does not expire');
  fc.assert(
    fc.property(fc.nat({ max: 2 * SESSION_MAX_AGE_S * 1000 }), (age) => {
      return sessionValid(TOKEN, v, t0 + age) === age < SESSION_MAX_AGE_S * 1000;
    }),
  );
});
