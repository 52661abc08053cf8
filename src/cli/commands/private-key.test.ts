import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { readKey } from './private-key.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const KEY = `0x${'ab'.repeat(32)}`;

test('readKey: --key-file first, else BALLAST_PRIVATE_KEY (trimmed); none or an empty variable is a dry run', () => {
  const file = join(dir, 'key');
  writeFileSync(file, ` ${KEY}\n`);
  assert.equal(readKey(file, { BALLAST_PRIVATE_KEY: 'ignored' }), KEY);
  assert.equal(readKey(undefined, { BALLAST_PRIVATE_KEY: `${KEY}\n` }), KEY);
  assert.equal(readKey(undefined, {}), undefined);
  assert.equal(readKey(undefined, { BALLAST_PRIVATE_KEY: '  ' }), undefined);
});

test('readKey: a missing file or a malformed key is one line naming its source, never the key', () => {
  const missing = join(dir, 'nope');
  assert.throws(
    () => readKey(missing, {}),
    (e) => e instanceof InputError && e.message === `--key-file: ${missing} does not exist`,
  );
  const bad = join(dir, 'bad');
  const secret = `0x${'cd'.repeat(31)}`;
  writeFileSync(bad, secret);
  for (const [f, env, source] of [
    [bad, {}, bad],
    [undefined, { BALLAST_PRIVATE_KEY: secret }, 'BALLAST_PRIVATE_KEY'],
  ] as const) {
    assert.throws(
      () => readKey(f, env),
      (e) =>
        e instanceof InputError &&
        e.message === `${source}: the private key is not 0x followed by 64 hex digits` &&
        !e.message.includes(secret),
    );
  }
  const empty = join(dir, 'empty');
  writeFileSync(empty, '');
  assert.throws(() => readKey(empty, {}), /the private key is not 0x followed by 64 hex digits/);
});
