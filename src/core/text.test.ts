import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeText } from './text.ts';

test('decodeText: UTF-8 text passes, NUL bytes and invalid UTF-8 are described by size', () => {
  assert.deepEqual(decodeText(new TextEncoder().encode('BTC: 1 — ok')), { ok: true, text: 'BTC: 1 — ok' });
  const nul = decodeText(Uint8Array.from([123, 0, 125]));
  assert.deepEqual(nul, { ok: false, why: '3 bytes of binary data, not text (expected UTF-8)' });
  const bad = decodeText(Uint8Array.from([0xff, 0xfe, 0x41]));
  assert.equal(bad.ok, false);
});
