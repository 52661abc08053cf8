/** The wallet key of the intent venue and the solver (issue #24): env or key file, never echoed. */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { loadWalletKey } from './wallet-key.ts';

const KEY = `0x${'ab'.repeat(32)}`;
const where = { source: 'service', path: 'portfolios.p1.venue' };
const dir = mkdtempSync(join(tmpdir(), 'ballast-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

/** One line naming `field`, never containing the key or the file's content. */
function refused(f: () => unknown, field: string, secret?: string): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.message.split('\n').length, 1, e.message);
    assert.match(e.message, new RegExp(`^service: portfolios\\.p1\\.venue\\.${field}: `));
    if (secret !== undefined) assert.ok(!e.message.includes(secret), 'the secret is never echoed');
    return true;
  });
}

test('from BALLAST_PRIVATE_KEY by default, or the variable keyEnv names (whitespace trimmed)', () => {
  assert.equal(loadWalletKey({}, where, { BALLAST_PRIVATE_KEY: ` ${KEY}\n` }), KEY);
  assert.equal(loadWalletKey({ keyEnv: 'W1' }, where, { W1: KEY, BALLAST_PRIVATE_KEY: 'x' }), KEY);
});

test('from an owner-only key file', () => {
  assert.equal(loadWalletKey({ keyFile: file('ok.key', `${KEY}\n`) }, where, {}), KEY);
});

test('refused with one line naming the field, the key never echoed', () => {
  refused(() => loadWalletKey({}, where, {}), 'keyEnv');
  refused(() => loadWalletKey({ keyEnv: 'W1' }, where, { W1: 'not-a-key-secret' }), 'keyEnv', 'not-a-key-secret');
  refused(() => loadWalletKey({ keyFile: join(dir, 'missing.key') }, where, {}), 'keyFile');
  refused(() => loadWalletKey({ keyFile: file('open.key', KEY, 0o644) }, where, {}), 'keyFile', KEY);
  refused(
    () => loadWalletKey({ keyFile: file('bad.key', `${KEY.slice(0, 40)}zz`) }, where, {}),
    'keyFile',
    KEY.slice(4, 40),
  );
  refused(() => loadWalletKey({ keyFile: file('both.key', KEY), keyEnv: 'W1' }, where, { W1: KEY }), 'keyFile');
});
