/**
 * Garbage venue replies against the real ccxt client and the local simulator (issue #13, item 5): an HTML
 * page, a non-JSON body, negative or NaN quantities and prices are a VenueReplyError naming venue, call and
 * field; `{"balances":[]}` is a well-formed empty account that the core's rule refuses after a non-empty
 * one. Never an empty account by accident, never a silently missing price.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { checkEmptyBalances } from '../../core/balance-reply-rule.ts';
import { VenueReplyError } from '../replies.ts';
import { ACCOUNT_GET, type ReplyFaultKind, TICKERS_GET } from '../simulator/faults.ts';
import { unlistedAssets } from '../unlisted.ts';
import { type Rig, rig } from './test-helpers.ts';

const isReplyError =
  (call: string, field: string | RegExp, message: RegExp) =>
  (e: unknown): boolean => {
    assert.ok(
      e instanceof VenueReplyError,
      `expected a VenueReplyError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
    assert.equal(e.name, 'VenueReplyError');
    assert.equal(e.venue, 'binance-sim');
    assert.equal(e.call, call);
    if (typeof field === 'string') assert.equal(e.field, field);
    else assert.match(e.field, field);
    assert.match(e.message, message);
    assert.ok(e.message.startsWith(`binance-sim ${call}: `) && !e.message.includes('\n'), e.message);
    return true;
  };

describe('garbage replies (ccxt venue ↔ simulator)', () => {
  let r: Rig;
  /** Faults that ccxt itself cannot parse are retried like any read; arm them for every attempt. */
  const ATTEMPTS = 3;
  const arm = (kind: ReplyFaultKind, match = ACCOUNT_GET, asset?: string) =>
    r.sim.faults.reply(kind, { match, asset, times: ATTEMPTS });

  before(async () => {
    r = await rig();
    await r.venue.prices(['BTC', 'ADA'], 'USDT'); // markets and routes cached: only the faulted request changes
  });
  afterEach(async () => {
    r.sim.faults.clear();
    assert.deepEqual(await r.venue.balances(), { ADA: 10000, BTC: 1, ETH: 10, USDT: 100000 }, 'healthy again');
  });
  after(async () => {
    await r.stop();
  });

  describe('balances (GET /api/v3/account)', () => {
    it('an HTML page with HTTP 200 is a VenueReplyError, not an empty account', async () => {
      arm('html_balance');
      await assert.rejects(
        r.venue.balances(),
        isReplyError('balances', 'body', /the reply body is an HTML page \("<!DOCTYPE html>/),
      );
      assert.equal(r.sim.faults.fired.html_balance, 1, 'ccxt returned the text as info (no throw), so no retry');
    });

    it('a non-JSON body with HTTP 200 is a VenueReplyError', async () => {
      arm('nonjson');
      await assert.rejects(r.venue.balances(), isReplyError('balances', 'body', /the reply body is not JSON/));
    });

    it('a negative quantity is a VenueReplyError naming the field', async () => {
      arm('negative', ACCOUNT_GET, 'BTC');
      await assert.rejects(
        r.venue.balances(),
        isReplyError('balances', 'free.BTC', /^binance-sim balances: free\.BTC is -1, not a non-negative number$/),
      );
    });

    it('a NaN quantity (ccxt throws a SyntaxError while parsing it) is a VenueReplyError', async () => {
      arm('nan', ACCOUNT_GET, 'ETH');
      await assert.rejects(
        r.venue.balances(),
        isReplyError('balances', 'body', /could not be parsed \(SyntaxError: .*NaN/),
      );
      assert.equal(r.sim.faults.fired.nan, ATTEMPTS, 'retried as a read, then named');
    });

    it('{"balances":[]} after a non-empty reply: parsed as empty, refused by the rule (and a bare {} is a schema error)', async () => {
      const before = await r.venue.balances();
      arm('empty_balances');
      const reply = await r.venue.balances();
      assert.deepEqual(reply, {});
      const v = checkEmptyBalances({
        reply,
        previousNonEmpty: Object.keys(before).length > 0,
        journalHoldsPosition: false,
      });
      assert.equal(v.kind, 'refused');
      assert.equal(v.kind === 'refused' && v.code, 'empty_after_non_empty');
      assert.deepEqual(checkEmptyBalances({ reply, previousNonEmpty: false, journalHoldsPosition: false }), {
        kind: 'ok',
        empty: true,
      });
      r.sim.faults.status(200, { match: ACCOUNT_GET, body: '{"makerCommission":0}' });
      await assert.rejects(r.venue.balances(), isReplyError('balances', 'body.balances', /body\.balances is missing/));
    });

    it('over the admin API (as a test in another process would arm it)', async () => {
      const res = await fetch(`${r.sim.url}/__sim/faults`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'html_balance', match: { path: '/api/v3/account' } }),
      });
      assert.equal(res.status, 200);
      await assert.rejects(r.venue.balances(), VenueReplyError);
    });
  });

  describe('tickers (GET /api/v3/ticker/24hr)', () => {
    it('an HTML page (ccxt throws a TypeError on it) is a VenueReplyError', async () => {
      arm('html_balance', TICKERS_GET);
      await assert.rejects(
        r.venue.prices(['BTC'], 'USDT'),
        isReplyError('tickers', 'body', /could not be parsed \(TypeError/),
      );
    });

    it('a non-JSON body is a VenueReplyError', async () => {
      arm('nonjson', TICKERS_GET);
      await assert.rejects(r.venue.prices(['BTC'], 'USDT'), isReplyError('tickers', 'body', /could not be parsed/));
    });

    it('an empty list: the requested tickers are missing, not "no price"', async () => {
      arm('empty_balances', TICKERS_GET);
      await assert.rejects(
        r.venue.prices(['BTC'], 'USDT'),
        isReplyError('tickers', 'BTC/USDT', /BTC\/USDT is missing from the reply/),
      );
    });

    it('negative prices are a VenueReplyError naming the field', async () => {
      arm('negative', TICKERS_GET);
      await assert.rejects(
        r.venue.prices(['BTC'], 'USDT'),
        isReplyError(
          'tickers',
          'BTC/USDT.bid',
          /^binance-sim tickers: BTC\/USDT\.bid is -1, not a non-negative number$/,
        ),
      );
    });

    it('NaN prices in a full 24 h ticker (ccxt throws computing the change) are a VenueReplyError, also on a routed leg', async () => {
      arm('nan', TICKERS_GET, 'ADA');
      await assert.rejects(
        r.venue.prices(['BTC', 'ADA'], 'USDT'),
        isReplyError('tickers', 'body', /could not be parsed \(SyntaxError: .*NaN/),
      );
    });

    it('NaN prices in a bare ticker (ccxt drops them to undefined) are a VenueReplyError, not a missing price', async () => {
      const nan = { lastPrice: 'NaN', bidPrice: 'NaN', askPrice: 'NaN', closeTime: Date.now() };
      r.sim.faults.status(200, {
        match: TICKERS_GET,
        body: JSON.stringify([
          { symbol: 'ADABTC', ...nan },
          { symbol: 'BTCUSDT', lastPrice: '60000', bidPrice: '59990', askPrice: '60010', closeTime: Date.now() },
        ]),
      });
      await assert.rejects(
        r.venue.prices(['BTC', 'ADA'], 'USDT'),
        isReplyError('tickers', 'ADA/BTC.price', /ADA\/BTC has no positive bid and ask nor a positive last price/),
      );
    });

    it('a ticker without a timestamp is a VenueReplyError', async () => {
      r.sim.faults.status(200, {
        match: TICKERS_GET,
        body: JSON.stringify([{ symbol: 'BTCUSDT', lastPrice: '60000', bidPrice: '59990', askPrice: '60010' }]),
      });
      await assert.rejects(
        r.venue.prices(['BTC'], 'USDT'),
        isReplyError('tickers', 'BTC/USDT.timestamp', /timestamp is missing/),
      );
    });
  });

  it('unlisted target assets: those with neither a market nor a route', async () => {
    assert.deepEqual(await unlistedAssets(r.venue, ['BTC', 'ADA', 'NOPE', 'USDT', 'ZZZ'], 'USDT'), ['NOPE', 'ZZZ']);
    assert.deepEqual(await unlistedAssets(r.venue, ['BTC', 'ETH', 'ADA'], 'USDT'), []);
  });
});
