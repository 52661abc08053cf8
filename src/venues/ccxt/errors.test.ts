import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ccxt from 'ccxt';
import { classify, sanitize } from './errors.ts';

describe('ccxt error mapping', () => {
  it('classifies by the protocol meaning, most specific first', () => {
    assert.equal(classify(new ccxt.InvalidNonce('x')), 'clock'); // a NetworkError subclass, but certainly refused
    assert.equal(classify(new ccxt.DDoSProtection('x')), 'rate-limit');
    assert.equal(classify(new ccxt.RateLimitExceeded('x')), 'rate-limit');
    assert.equal(classify(new ccxt.AuthenticationError('x')), 'auth');
    assert.equal(classify(new ccxt.OrderNotFound('x')), 'not-found'); // an InvalidOrder subclass
    assert.equal(classify(new ccxt.InvalidOrder('binance {"code":-2010,"msg":"Duplicate order sent."}')), 'duplicate');
    assert.equal(classify(new ccxt.InvalidOrder('Filter failure: LOT_SIZE')), 'rejected');
    assert.equal(classify(new ccxt.InsufficientFunds('x')), 'rejected');
    assert.equal(classify(new ccxt.BadRequest('x')), 'rejected');
    assert.equal(classify(new ccxt.RequestTimeout('x')), 'unknown');
    assert.equal(classify(new ccxt.ExchangeNotAvailable('x')), 'unknown');
    assert.equal(classify(new ccxt.OperationFailed('x')), 'unknown');
    assert.equal(classify(new ccxt.ExchangeError('x')), 'unknown');
    assert.equal(classify(new TypeError('parseOrder')), 'unknown');
  });

  it('sanitizes secrets, signatures, API key headers and query strings', () => {
    const msg =
      'binance GET http://127.0.0.1:1/api/v3/account?timestamp=1&signature=abcdef0123 {"X-MBX-APIKEY":"key-abc-123"} secret=topsecret99';
    const out = sanitize(msg, ['topsecret99', 'key-abc-123']);
    assert.ok(!out.includes('topsecret99') && !out.includes('key-abc-123') && !out.includes('abcdef0123'), out);
    assert.match(out, /api\/v3\/account\?…/);
  });
});
