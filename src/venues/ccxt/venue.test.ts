import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OrderRejectedError } from '../../core/ports.ts';
import { maxCreatesPerId, type Rig, rig } from './test-helpers.ts';

describe('ccxt venue against the simulator: round trip', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(async () => {
    const most = maxCreatesPerId(r.sim);
    await r.stop();
    assert.ok(most <= 1, 'at most one create request per client order id');
  });

  it('reads free balances', async () => {
    assert.deepEqual(await r.venue.balances(), { ADA: 10000, BTC: 1, ETH: 10, USDT: 100000 });
  });

  it('prices direct markets at the mid and ADA through BTC as the product of both mids', async () => {
    const prices = await r.venue.prices(['BTC', 'ADA', 'NOPE'], 'USDT');
    const btc = prices.find((p) => p.asset === 'BTC');
    const ada = prices.find((p) => p.asset === 'ADA');
    assert.equal(prices.length, 2);
    assert.equal(btc?.price, 60000);
    assert.ok(Math.abs((ada?.price ?? 0) - 0.000006 * 60000) < 1e-9);
    assert.equal(ada?.source, 'binance-sim:ADA/BTC>BTC/USDT');
    assert.ok(Math.abs((ada?.time ?? 0) - Date.now()) < 10_000);
  });

  it('gives market rules, routed ones with the larger leg minimum in quote units', async () => {
    const [btc, ada] = await r.venue.rules(['BTC', 'ADA'], 'USDT');
    assert.deepEqual(btc, { asset: 'BTC', minNotional: 5, lotStep: 0.00001, minQuantity: 0.00001, tickSize: 0.01 });
    assert.equal(ada.asset, 'ADA');
    assert.equal(ada.lotStep, 1);
    assert.ok(
      Math.abs(ada.minNotional - 6) < 1e-6,
      `ADA/BTC minimum 0.0001 BTC ≈ 6 USDT > BTC/USDT's 5, got ${ada.minNotional}`,
    );
    assert.ok(Math.abs((await r.venue.pathFeeBps('ADA', 'USDT')) - 19.99) < 1e-9);
  });

  it('market buy: truncated quantity, filled with fills and fees, found again by lookup', async () => {
    const s = await r.venue.place({
      clientOrderId: 'rt1',
      asset: 'BTC',
      quote: 'USDT',
      side: 'buy',
      quantity: 0.0123456,
      type: 'market',
      referencePrice: 60000,
    });
    assert.equal(s.status, 'filled');
    assert.equal(s.filledQuantity, 0.01234);
    assert.equal(s.averagePrice, 60006);
    assert.equal(s.fills.length, 1);
    assert.equal(s.fills[0].feeAsset, 'BTC');
    assert.equal(s.fills[0].fee, 0.00001234);
    const l = await r.venue.lookup('rt1', 'BTC', 'USDT');
    assert.deepEqual({ ...l, fills: l.fills.map((f) => f.tradeId) }, { ...s, fills: s.fills.map((f) => f.tradeId) });
    assert.match(
      s.fills[0].tradeId,
      /^BTC\/USDT#\d+$/,
      'trade ids are per market: the symbol makes them unique per venue',
    );
  });

  it('market sell: commission in the quote received', async () => {
    const s = await r.venue.place({
      clientOrderId: 'rt2',
      asset: 'ETH',
      quote: 'USDT',
      side: 'sell',
      quantity: 1,
      type: 'market',
      referencePrice: 3000,
    });
    assert.equal(s.status, 'filled');
    assert.equal(s.fills[0].feeAsset, 'USDT');
    assert.equal(s.fills[0].fee, 2.9997);
  });

  it('limit order rests, cancel returns its final state', async () => {
    const s = await r.venue.place({
      clientOrderId: 'rt3',
      asset: 'BTC',
      quote: 'USDT',
      side: 'buy',
      quantity: 0.001,
      type: 'limit',
      limitPrice: 55000.004,
      referencePrice: 60000,
    });
    assert.equal(s.status, 'open');
    assert.equal(r.sim.createRequests('rt3')[0].params.price, '55000');
    const c = await r.venue.cancel('rt3', 'BTC', 'USDT');
    assert.equal(c.status, 'canceled');
    assert.equal(c.filledQuantity, 0);
  });

  it('reloads markets and routes after invalidate()', async () => {
    r.venue.invalidate();
    assert.equal((await r.venue.route('ADA', 'USDT'))?.via, 'BTC');
    assert.equal(Object.keys(await r.venue.markets()).length, 5);
  });

  it('lookup of an id the exchange never saw is not_found', async () => {
    assert.equal((await r.venue.lookup('never1', 'BTC', 'USDT')).status, 'not_found');
  });

  it('skips below the minimum notional BEFORE sending (ccxt does not check it)', async () => {
    const before = r.sim.createRequests().length;
    await assert.rejects(
      r.venue.place({
        clientOrderId: 'small1',
        asset: 'BTC',
        quote: 'USDT',
        side: 'buy',
        quantity: 0.00008,
        type: 'market',
        referencePrice: 60000,
      }),
      (e: unknown) => {
        assert.ok(e instanceof OrderRejectedError);
        assert.match(e.reason, /skipped: notional 4\.80000 USDT is below BTC\/USDT's minimum 5 USDT/);
        return true;
      },
    );
    await assert.rejects(
      r.venue.place({
        clientOrderId: 'small2',
        asset: 'BTC',
        quote: 'USDT',
        side: 'buy',
        quantity: 0.000004,
        type: 'market',
        referencePrice: 60000,
      }),
      /skipped: quantity 0.000004 BTC is below the minimum/,
    );
    assert.equal(r.sim.createRequests().length, before, 'nothing was sent');
  });

  it('refuses bad client ids and markets that do not exist, without sending', async () => {
    await assert.rejects(
      r.venue.place({
        clientOrderId: 'has-dash',
        asset: 'BTC',
        quote: 'USDT',
        side: 'buy',
        quantity: 0.001,
        type: 'market',
        referencePrice: 60000,
      }),
      /\[A-Za-z0-9\]/,
    );
    await assert.rejects(
      r.venue.place({
        clientOrderId: 'ada1',
        asset: 'ADA',
        quote: 'USDT',
        side: 'buy',
        quantity: 100,
        type: 'market',
        referencePrice: 0.36,
      }),
      /no active ADA\/USDT market; route it/,
    );
  });

  it('insufficient funds is a clear rejection', async () => {
    await assert.rejects(
      r.venue.place({
        clientOrderId: 'poor1',
        asset: 'BTC',
        quote: 'USDT',
        side: 'buy',
        quantity: 100,
        type: 'market',
        referencePrice: 60000,
      }),
      (e: unknown) => e instanceof OrderRejectedError && /InsufficientFunds/.test(e.reason),
    );
  });
});
