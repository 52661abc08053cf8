import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SecretInJournalError } from './errors.ts';
import { assertNoSecrets, findSecrets, isSecretKey, REDACTED, redactSecrets, toStoredJson } from './secrets.ts';

test('secret keys: names of secret values are caught in any style; references and look-alikes are not', () => {
  for (const k of [
    'apiKey',
    'api_key',
    'API-KEY',
    'secret',
    'apiSecret',
    'privateKey',
    'private_key',
    'password',
    'token',
    'accessToken',
    'passphrase',
    'mnemonic',
    'Authorization',
    'secretKey',
    'credentials',
  ]) {
    assert.equal(isSecretKey(k), true, k);
  }
  for (const k of [
    'apiKeyEnv',
    'secretFile',
    'privateKeyEnvVar',
    'tokenPath',
    'keyFile',
    'tokenIn',
    'tokens',
    'tokenAddress',
    'seed',
    'key',
    'asset',
    'quote',
    'secretName',
    'maxSlippageBps',
  ]) {
    assert.equal(isSecretKey(k), false, k);
  }
});

test('assertNoSecrets names every path; redactSecrets replaces the values, deep in objects and arrays', () => {
  const cfg = {
    name: 'main',
    exchange: { id: 'binance', apiKey: 'AKIA123', secret: 'shh', apiKeyEnv: 'BINANCE_KEY' },
    wallets: [{ privateKey: '0xabc' }],
    empty: { token: '' },
  };
  assert.deepEqual(findSecrets(cfg), ['exchange.apiKey', 'exchange.secret', 'wallets[0].privateKey']);
  assert.throws(
    () => assertNoSecrets(cfg),
    (e: unknown) =>
      e instanceof SecretInJournalError && !e.message.includes('AKIA123') && e.message.includes('exchange.apiKey'),
  );
  const red = redactSecrets(cfg);
  assert.equal(red.exchange.apiKey, REDACTED);
  assert.equal(red.exchange.apiKeyEnv, 'BINANCE_KEY');
  assert.equal(red.wallets[0].privateKey, REDACTED);
  assert.equal(cfg.exchange.apiKey, 'AKIA123', 'the input is not modified');
  assert.doesNotThrow(() => assertNoSecrets(red));
});

test('toStoredJson: canonical (sorted keys), secrets redacted, non-finite numbers refused, bigint as text', () => {
  assert.equal(toStoredJson('x', { b: 1, a: { token: 't', d: 2n } }), '{"a":{"d":"2","token":"[redacted]"},"b":1}');
  assert.throws(() => toStoredJson('x', { w: Number.NaN }), /x\.w: NaN cannot be stored/);
});

test('a token address under a key named token is public and kept; a 64-hex value or any other token is redacted', () => {
  const addr = `0x${'aB'.repeat(20)}`;
  const key64 = `0x${'1f'.repeat(32)}`;
  const v = { token: addr, buyToken: addr, apiToken: 'tk_live_123', loans: [{ token: key64 }], privateKey: addr };
  assert.deepEqual(redactSecrets(v), {
    apiToken: REDACTED,
    buyToken: addr,
    loans: [{ token: REDACTED }],
    privateKey: REDACTED,
    token: addr,
  });
  assert.deepEqual(findSecrets(v), ['apiToken', 'loans[0].token', 'privateKey']);
  assert.match(toStoredJson('detail', { token: addr }), new RegExp(addr));
});
