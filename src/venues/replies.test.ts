import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseBalancesReply, parsePriceQuotes, parseTickers, parseTickersReply, VenueReplyError } from './replies.ts';

/** Asserts a VenueReplyError with this field and a message matching `re`, on one line. */
function rejectsWith(fn: () => unknown, field: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof VenueReplyError, `expected VenueReplyError, got ${String(e)}`);
    assert.equal(e.name, 'VenueReplyError');
    assert.equal(e.field, field);
    assert.match(e.message, re);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

const ccxtBalance = (free: Record<string, unknown>, info: unknown = { balances: [] }) => ({
  info,
  free,
  used: {},
  total: {},
});

describe('parseBalancesReply', () => {
  it('keeps positive free quantities, drops zeros and fields ccxt left undefined', () => {
    assert.deepEqual(parseBalancesReply(ccxtBalance({ BTC: 1, ETH: 0, ADA: undefined, USDT: 5.5 }), 'binance'), {
      BTC: 1,
      USDT: 5.5,
    });
  });

  it('names venue, call and field: a negative quantity', () => {
    rejectsWith(
      () => parseBalancesReply(ccxtBalance({ BTC: -1 }), 'binance'),
      'free.BTC',
      /^binance balances: free\.BTC is -1, not a non-negative number$/,
    );
  });

  it('NaN and Infinity quantities are refused', () => {
    rejectsWith(() => parseBalancesReply(ccxtBalance({ ETH: Number.NaN }), 'kraken'), 'free.ETH', /free\.ETH is NaN/);
    rejectsWith(
      () => parseBalancesReply(ccxtBalance({ ETH: Number.POSITIVE_INFINITY }), 'kraken'),
      'free.ETH',
      /free\.ETH is Infinity, not a non-negative number/,
    );
    rejectsWith(() => parseBalancesReply(ccxtBalance({ ETH: '1' }), 'kraken'), 'free.ETH', /free\.ETH is "1"/);
  });

  it('an HTML page or a non-JSON body (ccxt hands the text back as info, with an empty free) is not an empty account', () => {
    rejectsWith(
      () => parseBalancesReply(ccxtBalance({}, '<html><body>maintenance</body></html>'), 'binance'),
      'body',
      /^binance balances: the reply body is an HTML page \("<html><body>maintenance<\/body><\/html>"\)$/,
    );
    rejectsWith(() => parseBalancesReply(ccxtBalance({}, 'oops {'), 'binance'), 'body', /the reply body is not JSON/);
    rejectsWith(() => parseBalancesReply(ccxtBalance({}, ''), 'binance'), 'body', /the reply body is empty/);
    rejectsWith(() => parseBalancesReply(ccxtBalance({}, null), 'binance'), 'body', /body is null, not a JSON object/);
  });

  it('a reply that is not an object, or has no free map, is refused', () => {
    rejectsWith(() => parseBalancesReply('<html>', 'x'), 'body', /an HTML page/);
    rejectsWith(() => parseBalancesReply(null, 'x'), 'body', /body is null/);
    rejectsWith(() => parseBalancesReply([], 'x'), 'body', /body is an array, not a JSON object/);
    rejectsWith(
      () => parseBalancesReply({ info: {} }, 'x'),
      'free',
      /free is missing, not an object of asset quantities/,
    );
  });

  it('used and total are checked too', () => {
    rejectsWith(
      () => parseBalancesReply({ info: {}, free: { BTC: 1 }, total: { BTC: -2 } }, 'x'),
      'total.BTC',
      /total\.BTC is -2/,
    );
  });

  it('with the binance shape: the raw account must carry a balances list of decimal strings', () => {
    const opts = { infoShape: 'binance' } as const;
    rejectsWith(
      () => parseBalancesReply(ccxtBalance({}, { foo: 1 }), 'binance', opts),
      'body.balances',
      /body\.balances is missing, not a list of balances/,
    );
    rejectsWith(
      () => parseBalancesReply(ccxtBalance({}, { balances: [{ asset: 'BTC', free: '-1', locked: '0' }] }), 'b', opts),
      'body.balances.0.free',
      /body\.balances\.0\.free is "-1", not a non-negative decimal string/,
    );
    rejectsWith(() => parseBalancesReply(ccxtBalance({}, []), 'b', opts), 'body', /body is an array/);
    const ok = ccxtBalance({ BTC: 0.5 }, { balances: [{ asset: 'BTC', free: '0.5', locked: '0.00000000' }] });
    assert.deepEqual(parseBalancesReply(ok, 'b', opts), { BTC: 0.5 });
    assert.deepEqual(parseBalancesReply(ccxtBalance({}, { balances: [] }), 'b', opts), {}, 'empty is left to the rule');
  });

  it('property: any finite non-negative free map is accepted and keeps exactly its positive entries', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.double({ min: 0, max: 1e12, noNaN: true })),
        (free) => {
          const out = parseBalancesReply({ info: {}, free }, 'v');
          const expected = Object.fromEntries(Object.entries(free).filter(([, q]) => q > 0));
          assert.deepEqual(out, expected);
        },
      ),
    );
  });

  it('property: one bad quantity anywhere (negative, NaN, ±Infinity, a string) is always refused, naming it', () => {
    const bad = fc.oneof(
      fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
      fc.constant(Number.NaN),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.string(),
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[A-Z]{2,5}$/), fc.double({ min: 0, max: 1e9, noNaN: true })),
        fc.stringMatching(/^[a-z]{2,5}$/),
        bad,
        (good, asset, q) => {
          rejectsWith(
            () => parseBalancesReply({ info: {}, free: { ...good, [asset]: q } }, 'v'),
            `free.${asset}`,
            /^v balances: free\./,
          );
        },
      ),
    );
  });

  it('property: no string body is ever read as an account', () => {
    fc.assert(
      fc.property(fc.string(), (body) => {
        assert.throws(() => parseBalancesReply(body, 'v'), VenueReplyError);
        assert.throws(() => parseBalancesReply({ info: body, free: {} }, 'v'), VenueReplyError);
      }),
    );
  });
});

const ticker = (over: Record<string, unknown> = {}) => ({
  symbol: 'BTC/USDT',
  timestamp: 1_700_000_000_000,
  bid: 59990,
  ask: 60010,
  last: 60000,
  ...over,
});

describe('parseTickers / parseTickersReply', () => {
  it('prices at the mid of a positive bid and ask, else at last; time from the ticker', () => {
    const raw = {
      'BTC/USDT': ticker(),
      'ETH/USDT': ticker({ symbol: 'ETH/USDT', bid: 0, ask: undefined, last: 3000 }),
      'XRP/USDT': ticker({ symbol: 'XRP/USDT', bid: -5 }),
    };
    assert.deepEqual(parseTickersReply(raw, ['BTC', 'ETH', 'USDT'], 'USDT', 'binance'), [
      { asset: 'BTC', price: 60000, time: 1_700_000_000_000, source: 'binance:BTC/USDT' },
      { asset: 'ETH', price: 3000, time: 1_700_000_000_000, source: 'binance:ETH/USDT' },
    ]);
  });

  it('negative, NaN, non-positive prices and missing timestamps are refused, naming the field', () => {
    const one = (t: Record<string, unknown>) => () => parseTickers({ 'BTC/USDT': ticker(t) }, ['BTC/USDT'], 'binance');
    rejectsWith(one({ bid: -1 }), 'BTC/USDT.bid', /^binance tickers: BTC\/USDT\.bid is -1, not a non-negative number$/);
    rejectsWith(one({ last: Number.NaN, bid: undefined }), 'BTC/USDT.last', /is NaN/);
    rejectsWith(one({ timestamp: undefined }), 'BTC/USDT.timestamp', /timestamp is missing, not a time in ms/);
    rejectsWith(one({ timestamp: 0 }), 'BTC/USDT.timestamp', /timestamp is 0/);
    rejectsWith(
      one({ bid: undefined, ask: undefined, last: undefined }),
      'BTC/USDT.price',
      /no positive bid and ask nor a positive last price/,
    );
    rejectsWith(one({ bid: 0, ask: 0, last: 0 }), 'BTC/USDT.price', /no positive bid/);
  });

  it('a requested symbol missing from the reply, or a reply that is not an object, is refused', () => {
    rejectsWith(() => parseTickers({}, ['BTC/USDT'], 'b'), 'BTC/USDT', /BTC\/USDT is missing from the reply/);
    rejectsWith(() => parseTickers('<html>', ['BTC/USDT'], 'b'), 'body', /an HTML page/);
    rejectsWith(() => parseTickers([], ['BTC/USDT'], 'b'), 'body', /an array/);
    rejectsWith(() => parseTickers({ 'BTC/USDT': 'x' }, ['BTC/USDT'], 'b'), 'BTC/USDT', /not JSON/);
    assert.equal(parseTickers({ junk: 1 }, [], 'b').size, 0, 'nothing asked, nothing checked');
  });

  it('property: valid tickers always give a finite positive price between bid and ask (or last)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 1e9, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.integer({ min: 1, max: 4_000_000_000_000 }),
        (bid, spread, timestamp) => {
          const ask = bid * (1 + spread);
          const [q] = parseTickersReply({ 'A/Q': { timestamp, bid, ask } }, ['A'], 'Q', 'v');
          assert.ok(q !== undefined && Number.isFinite(q.price) && q.price >= bid && q.price <= ask);
          assert.equal(q.time, timestamp);
        },
      ),
    );
  });

  it('property: any negative or NaN price field is refused', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('bid', 'ask', 'last'),
        fc.oneof(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), fc.constant(Number.NaN)),
        (field, v) => {
          rejectsWith(
            () => parseTickers({ 'A/Q': ticker({ [field]: v }) }, ['A/Q'], 'v'),
            `A/Q.${field}`,
            /^v tickers: /,
          );
        },
      ),
    );
  });
});

describe('parsePriceQuotes (a paper venue over an external price source)', () => {
  const q = (asset: string, price: unknown, time: unknown = 1000) => ({ asset, price, time, source: 'feed' });

  it('passes valid quotes through, keeps absent ones absent and drops unrequested ones', () => {
    assert.deepEqual(parsePriceQuotes([q('BTC', 60000), q('DOGE', 0.1)], ['BTC', 'ETH'], 'paper:p1'), [
      q('BTC', 60000),
    ]);
  });

  it('refuses non-positive, NaN and infinite prices and missing times, naming the asset', () => {
    rejectsWith(
      () => parsePriceQuotes([q('BTC', 1), q('ETH', -3)], ['BTC', 'ETH'], 'paper:p1'),
      'ETH.price',
      /^paper:p1 prices: ETH\.price is -3, not a positive number$/,
    );
    rejectsWith(() => parsePriceQuotes([q('ETH', 0)], ['ETH'], 'p'), 'ETH.price', /ETH\.price is 0/);
    rejectsWith(() => parsePriceQuotes([q('ETH', Number.NaN)], ['ETH'], 'p'), 'ETH.price', /ETH\.price is NaN/);
    rejectsWith(
      () => parsePriceQuotes([{ ...q('ETH', 1), time: undefined }], ['ETH'], 'p'),
      'ETH.time',
      /ETH\.time is missing/,
    );
    rejectsWith(() => parsePriceQuotes([{ price: 1 }], ['ETH'], 'p'), '[0].asset', /\[0\]\.asset is missing/);
    rejectsWith(() => parsePriceQuotes('<html>', ['ETH'], 'p'), 'body', /body is "<html>", not a list of price quotes/);
    rejectsWith(() => parsePriceQuotes([q('ETH', 1), q('ETH', 2)], ['ETH'], 'p'), 'ETH', /priced twice/);
  });

  it("prices: 'number' leaves non-positive and NaN prices to the guards, still checks the rest", () => {
    const opts = { prices: 'number' } as const;
    const out = parsePriceQuotes([q('A', 0), q('B', Number.NaN), q('C', -1)], ['A', 'B', 'C'], 'p', opts);
    assert.equal(out.length, 3);
    rejectsWith(() => parsePriceQuotes([q('A', '5')], ['A'], 'p', opts), 'A.price', /A\.price is "5", not a number/);
    rejectsWith(() => parsePriceQuotes([{ ...q('A', 5), time: 0 }], ['A'], 'p', opts), 'A.time', /A\.time is 0/);
  });
});
