import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from './errors.ts';
import { makeSnapshot } from './snapshot.ts';
import { makeUniverse } from './universe.ts';

const u = makeUniverse('USDT', { BTC: 0.5, ETH: 0.3, USDT: 0.2 });
const sources = { balances: 'balances.json', prices: 'prices.json' };
const goodBalances = { BTC: 1, ETH: 10, USDT: 100 };
const goodPrices = { BTC: 60000, ETH: 3000 };

function lines(balances: Record<string, unknown>, prices: Record<string, unknown>, ignore: string[] = []): string[] {
  try {
    makeSnapshot(u, ignore, balances, prices, sources);
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e.message.split('\n');
  }
  assert.fail('expected an InputError');
}

describe('makeSnapshot', () => {
  it('puts quantities and prices in universe order, the quote at price 1', () => {
    const s = makeSnapshot(u, ['BNB'], { ...goodBalances, BNB: 3 }, { ...goodPrices, BNB: 600, XRP: 1 }, sources);
    assert.deepEqual([...s.qty], [1, 10, 100]);
    assert.deepEqual([...s.prices], [60000, 3000, 1]);
  });
  it('accepts an explicit quote price of exactly 1 and a missing balance as 0', () => {
    const s = makeSnapshot(u, [], { BTC: 1 }, { ...goodPrices, USDT: 1 }, sources);
    assert.deepEqual([...s.qty], [1, 0, 0]);
  });
  it('rejects negative and non-number balances, naming the file and asset', () => {
    const l = lines({ BTC: -1, ETH: '10', USDT: Number.NaN }, goodPrices);
    assert.ok(l.includes('balances.json: BTC: quantity -1 is negative, expected ≥ 0'), l.join('\n'));
    assert.ok(l.some((x) => x.startsWith('balances.json: ETH: quantity "10" is not a finite number')));
    assert.ok(l.some((x) => x.startsWith('balances.json: USDT: quantity NaN is not a finite number')));
  });
  it('rejects a held asset outside the target unless ignored', () => {
    const l = lines({ ...goodBalances, DOGE: 5 }, goodPrices);
    assert.equal(l.length, 1);
    assert.match(l[0]!, /^balances\.json: DOGE: held but not in the target; add it to the target or to `ignore`$/);
    assert.doesNotThrow(() => makeSnapshot(u, ['DOGE'], { ...goodBalances, DOGE: 5 }, goodPrices, sources));
    assert.doesNotThrow(() => makeSnapshot(u, [], { ...goodBalances, DOGE: 0 }, goodPrices, sources));
  });
  it('rejects missing, zero, negative, non-finite and non-number prices, naming the file and asset', () => {
    assert.deepEqual(lines(goodBalances, { ETH: 3000 }), ['prices.json: BTC: missing price for held asset BTC']);
    assert.deepEqual(lines({ ETH: 1 }, { ETH: 3000 }), ['prices.json: BTC: missing price for targeted asset BTC']);
    const said: [unknown, string][] = [
      [0, 'price 0 must be > 0'],
      [-5, 'price -5 must be > 0'],
      [Number.POSITIVE_INFINITY, 'price is not finite (Infinity: a number too large, e.g. 1e999)'],
      [Number.NaN, 'price NaN is not a number'],
      ['60000', 'price "60000" is not a number'],
      [null, 'price null is not a number'],
    ];
    for (const [bad, says] of said) {
      const l = lines(goodBalances, { BTC: bad, ETH: 3000 });
      assert.deepEqual(l, [`prices.json: BTC: ${says}`]);
    }
  });
  it('rejects a quote price other than 1', () => {
    const l = lines(goodBalances, { ...goodPrices, USDT: 1.001 });
    assert.deepEqual(l, ["prices.json: USDT: the quote's price is 1 by definition, got 1.001"]);
  });
  it('reports every problem at once, balances first', () => {
    const l = lines({ BTC: -1, DOGE: 1 }, { ETH: 0 });
    assert.equal(l.length, 4);
    assert.ok(l[0]!.startsWith('balances.json: BTC'));
    assert.ok(l[1]!.startsWith('balances.json: DOGE'));
    assert.ok(l[2]!.startsWith('prices.json: BTC'));
    assert.ok(l[3]!.startsWith('prices.json: ETH'));
  });
});
