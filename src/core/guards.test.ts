import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPrices, slippageBps } from './guards.ts';
import type { PriceQuote } from './ports.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const q = (asset: string, price: number, ageSeconds = 0, source = 'venue'): PriceQuote => ({
  asset,
  price,
  time: now - ageSeconds * 1000,
  source,
});

describe('price guards', () => {
  it('no limits: only presence and positive finite prices are checked', () => {
    assert.deepEqual(checkPrices(['BTC'], [q('BTC', 60000, 1e6)], null, now, {}), { ok: true, problems: [], off: [] });
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const v = checkPrices(['BTC'], [q('BTC', bad)], null, now, {});
      assert.equal(v.ok, false);
      assert.match(v.problems[0]!, /^BTC: price .* from venue is not a positive finite number$/);
    }
    assert.deepEqual(checkPrices(['BTC', 'ETH'], [q('BTC', 1)], null, now, {}).problems, [
      'ETH: no price from the venue',
    ]);
  });
  it('staleness: an age equal to maxPriceAgeSeconds passes, one millisecond more does not', () => {
    const g = { maxPriceAgeSeconds: 60 };
    assert.equal(checkPrices(['BTC'], [q('BTC', 1, 60)], null, now, g).ok, true);
    const v = checkPrices(['BTC'], [q('BTC', 1, 60.001)], null, now, g);
    assert.equal(v.ok, false);
    assert.match(v.problems[0]!, /^BTC: price from venue is 60 s old, older than maxPriceAgeSeconds 60$/);
  });
  it('deviation: exactly maxDeviationBps passes, beyond fails; a missing reference is a problem', () => {
    const g = { maxDeviationBps: 625 }; // 8/128 = 0.0625 exactly
    const ref = [q('BTC', 128, 0, 'ref'), q('ETH', 128, 0, 'ref')];
    assert.equal(checkPrices(['BTC'], [q('BTC', 136)], ref, now, g).ok, true);
    assert.equal(checkPrices(['BTC'], [q('BTC', 120)], ref, now, g).ok, true);
    const v = checkPrices(['BTC'], [q('BTC', 136.01)], ref, now, g);
    assert.equal(v.ok, false);
    assert.match(v.problems[0]!, /^BTC: venue price 136\.01 deviates 625\.8 bps from ref 128 \(max 625\)$/);
    const m = checkPrices(['SOL'], [q('SOL', 1)], ref, now, g);
    assert.deepEqual(m.problems, ["SOL: no usable reference price to check venue's against"]);
  });
  it('a single price source switches the deviation guard off, visibly', () => {
    const v = checkPrices(['BTC'], [q('BTC', 1)], null, now, { maxDeviationBps: 10 });
    assert.deepEqual(v, { ok: true, problems: [], off: ['deviation guard off: single price source'] });
  });
  it('depeg: exactly maxQuoteDepegBps passes, beyond fails; without a USD reference it is off', () => {
    const g = { maxQuoteDepegBps: 625 };
    assert.equal(checkPrices([], [], null, now, g, q('USDT', 1.0625, 0, 'usd')).ok, true);
    assert.equal(checkPrices([], [], null, now, g, q('USDT', 0.9375, 0, 'usd')).ok, true);
    const v = checkPrices([], [], null, now, g, q('USDT', 0.93, 0, 'usd'));
    assert.deepEqual(v.problems, ['USDT: quote trades at 0.93 USD, 700.0 bps off its peg (max 625)']);
    assert.deepEqual(checkPrices([], [], null, now, g).off, ['depeg guard off: no USD reference for the quote']);
    assert.equal(checkPrices([], [], null, now, g, q('USDT', Number.NaN)).ok, false, 'NaN never passes');
  });
  it('slippage is positive when the fill is worse than the reference, for either side', () => {
    assert.equal(slippageBps('buy', 101, 100), 100);
    assert.equal(slippageBps('sell', 99, 100), 100);
    assert.equal(slippageBps('buy', 99, 100), -100);
  });
});
