import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MarketRules, Venue } from '../core/ports.ts';
import type { PaperAccountPort } from '../store/ports.ts';
import { PaperVenue, type PriceSource } from './paper/paper-venue.ts';
import { ReplayFeed } from './replay/replay-feed.ts';
import { VenueReplyError } from './replies.ts';
import { unlistedAssets, unlistedReason } from './unlisted.ts';

const rulesFor = (asset: string): MarketRules => ({ asset, minNotional: 0, lotStep: 0, minQuantity: 0, tickSize: 0 });

/** A venue with only rules() (no unlisted()): the fallback path. The other methods are never called. */
function rulesOnly(listed: string[]): Venue {
  const never = () => Promise.reject(new Error('not used'));
  return {
    name: 'rules-only',
    balances: never,
    prices: never,
    place: never,
    lookup: never,
    cancel: never,
    rules: async (assets) => assets.filter((a) => listed.includes(a)).map(rulesFor),
  };
}

const feed = new ReplayFeed(
  ['BTC', 'ETH'],
  new Float64Array([1000, 2000]),
  new Float64Array([60000, 3000, 61000, 3100]),
);
/** The paper venue's price and listing paths touch no account: only place() asks whether a client id was used. */
const noJournal = { order: async () => undefined } as unknown as PaperAccountPort;
const paper = (source: PriceSource) =>
  new PaperVenue(
    'paper:p1',
    'p1',
    noJournal,
    source,
    () => 0,
    () => 0,
  );

describe('unlistedAssets', () => {
  it('without unlisted(): the assets rules() leaves out, the quote and duplicates excluded, in order', async () => {
    assert.deepEqual(await unlistedAssets(rulesOnly(['BTC']), ['FOO', 'BTC', 'USDT', 'BAR', 'FOO'], 'USDT'), [
      'FOO',
      'BAR',
    ]);
    assert.deepEqual(await unlistedAssets(rulesOnly([]), ['USDT'], 'USDT'), []);
  });

  it('a replay feed lists exactly its columns; a paper venue over it inherits that', async () => {
    assert.deepEqual(await feed.unlisted(['BTC', 'SOL', 'USDT'], 'USDT'), ['SOL']);
    assert.deepEqual(await unlistedAssets(paper(feed), ['BTC', 'ETH', 'SOL', 'USDT'], 'USDT'), ['SOL']);
  });

  it('a paper venue over a source that cannot tell lists everything', async () => {
    const src: PriceSource = { prices: async () => [] };
    assert.deepEqual(await unlistedAssets(paper(src), ['ANY'], 'USDT'), []);
  });

  it('a venue that cannot be asked rejects: unavailable is not unlisted', async () => {
    const v = { ...rulesOnly([]), rules: () => Promise.reject(new Error('markets unavailable')) };
    await assert.rejects(unlistedAssets(v, ['BTC'], 'USDT'), /markets unavailable/);
  });

  it('reason: one line naming the venue, the assets and the quote', () => {
    assert.equal(
      unlistedReason('binance', ['FOO', 'BAR'], 'USDT'),
      'binance does not list FOO, BAR against USDT (no market and no route): the portfolio cannot trade its target',
    );
  });
});

describe('paper venue: external prices are validated', () => {
  it('valid replay prices pass through', async () => {
    feed.bar = 1;
    assert.deepEqual(await paper(feed).prices(['BTC', 'SOL'], 'USDT'), [
      { asset: 'BTC', price: 61000, time: 2000, source: 'replay' },
    ]);
  });

  it('a quote without a source time is a VenueReplyError; a NaN price passes on to the guards; no fill at -1', async () => {
    const untimed: PriceSource = {
      prices: async () => [{ asset: 'BTC', price: 60000, time: undefined as unknown as number, source: 'feed' }],
    };
    await assert.rejects(
      paper(untimed).prices(['BTC'], 'USDT'),
      (e: unknown) =>
        e instanceof VenueReplyError &&
        e.message === 'paper:p1 prices: BTC.time is missing, not a time in ms since the epoch',
    );
    const nan: PriceSource = { prices: async () => [{ asset: 'BTC', price: Number.NaN, time: 1, source: 'feed' }] };
    assert.ok(
      Number.isNaN((await paper(nan).prices(['BTC'], 'USDT'))[0]?.price),
      'the core guards refuse it, naming it',
    );
    const neg: PriceSource = { prices: async () => [{ asset: 'BTC', price: -1, time: 1, source: 'feed' }] };
    await assert.rejects(
      paper(neg).place({
        clientOrderId: 'x1',
        asset: 'BTC',
        quote: 'USDT',
        side: 'buy',
        quantity: 1,
        type: 'market',
        referencePrice: 1,
      }),
      (e: unknown) =>
        e instanceof Error && e.name === 'OrderRejectedError' && /no positive finite price for BTC/.test(e.message),
    );
  });
});
