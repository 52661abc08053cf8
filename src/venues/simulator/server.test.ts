import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Exchange } from 'ccxt';
import ccxt from 'ccxt';
import { createExchange } from '../ccxt/exchange.ts';
import { type SimHandle, start } from './server.ts';

describe('simulator speaks Binance spot to the real ccxt client', () => {
  let sim: SimHandle;
  let ex: Exchange;
  before(async () => {
    sim = await start();
    ex = createExchange({
      exchange: 'binance',
      simulatorUrl: sim.url,
      credentials: { apiKey: sim.apiKey, secret: sim.secret },
      timeoutMs: 1500,
    });
  });
  after(async () => {
    await sim.stop();
  });

  it('loads markets with precision and limits from the filters', async () => {
    const markets = await ex.loadMarkets();
    const btc = markets['BTC/USDT'];
    assert.ok(btc);
    assert.equal(btc.precision.amount, 0.00001);
    assert.equal(btc.precision.price, 0.01);
    assert.equal(btc.limits.cost?.min, 5);
    assert.equal(markets['ADA/USDT'], undefined);
    assert.equal(ex.amountToPrecision('BTC/USDT', 0.123456789), '0.12345');
  });

  it('serves tickers, book tickers and the clock', async () => {
    const t = await ex.fetchTicker('BTC/USDT');
    assert.equal(t.last, 60000);
    assert.ok((t.bid ?? 0) < 60000 && (t.ask ?? 0) > 60000);
    const bidsAsks = await ex.fetchBidsAsks(['BTC/USDT', 'ETH/USDT']);
    assert.equal(Object.keys(bidsAsks).length, 2);
    assert.ok(Math.abs(((await ex.fetchTime()) ?? 0) - Date.now()) < 5000);
  });

  it('market buy fills at the ask, charges the commission in the received asset, balances are exact', async () => {
    const o = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, { clientOrderId: 'mkt1' });
    assert.equal(o.status, 'closed');
    assert.equal(o.clientOrderId, 'mkt1');
    assert.equal(o.filled, 0.01);
    assert.equal(o.average, 60006);
    const bal = sim.state().balances;
    assert.equal(bal.USDT.free, '99399.94000000');
    assert.equal(bal.BTC.free, '1.00999000');
    const trades = await ex.fetchMyTrades('BTC/USDT', undefined, undefined, { orderId: o.id });
    assert.equal(trades.length, 1);
    assert.deepEqual(trades[0].fee, { cost: 0.00001, currency: 'BTC' });
  });

  it('market buy by cost (quoteOrderQty)', async () => {
    const o = await ex.createOrder('ETH/USDT', 'market', 'buy', undefined as unknown as number, undefined, {
      cost: 300,
      clientOrderId: 'cost1',
    });
    assert.equal(o.status, 'closed');
    assert.ok((o.cost ?? 0) <= 300 && (o.cost ?? 0) > 299);
  });

  it('limit buy rests, locks quote, fills when the price crosses, and is found by client id', async () => {
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 59000, { clientOrderId: 'lim1' });
    assert.equal(sim.state().balances.USDT.locked, '59.00000000');
    const open = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'lim1' });
    assert.equal(open.status, 'open');
    sim.setPrice('BTC/USDT', 58990);
    const done = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'lim1' });
    assert.equal(done.status, 'closed');
    assert.equal(done.average, 59000);
    assert.equal(sim.state().balances.USDT.locked, '0.00000000');
    sim.setPrice('BTC/USDT', 60000);
  });

  it('cancel by client id releases the lock; duplicates are refused only while open', async () => {
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 50000, { clientOrderId: 'dup1' });
    await assert.rejects(
      ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 50000, { clientOrderId: 'dup1' }),
      (e: unknown) => e instanceof ccxt.InvalidOrder && /Duplicate order sent/.test((e as Error).message),
    );
    const c = await ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'dup1' });
    assert.equal(c.status, 'canceled');
    await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 50000, { clientOrderId: 'dup1' });
    assert.equal(sim.createRequests('dup1').length, 3);
    await ex.cancelOrder(undefined as unknown as string, 'BTC/USDT', { clientOrderId: 'dup1' });
  });

  it('enforces LOT_SIZE, PRICE_FILTER, NOTIONAL and balance with Binance errors', async () => {
    await assert.rejects(
      ex.createOrder('BTC/USDT', 'market', 'buy', 0.00005, undefined, { clientOrderId: 'n1' }),
      ccxt.BadRequest,
    ); // 3 USDT < 5
    await assert.rejects(
      ex.createOrder('BTC/USDT', 'market', 'buy', 100, undefined, { clientOrderId: 'n2' }),
      ccxt.InsufficientFunds,
    );
    assert.match(sim.createRequests('n1')[0].outcome, /NOTIONAL/);
  });

  it('rejects a wrong secret with -1022 (AuthenticationError) and a skewed clock with -1021 (InvalidNonce)', async () => {
    const bad = createExchange({
      exchange: 'binance',
      simulatorUrl: sim.url,
      credentials: { apiKey: sim.apiKey, secret: 'wrong-secret' },
    });
    await assert.rejects(bad.fetchBalance(), ccxt.AuthenticationError);
    sim.faults.setClockSkew(-30_000);
    await assert.rejects(ex.fetchBalance(), ccxt.InvalidNonce);
    sim.faults.setClockSkew(0);
  });

  it('injects 429 and 503, and a timeout after accept leaves the order executed', async () => {
    sim.faults.status(429, { match: { path: '/api/v3/account' } });
    await assert.rejects(ex.fetchBalance(), ccxt.DDoSProtection);
    sim.faults.status(503, { match: { path: '/api/v3/account' } });
    await assert.rejects(ex.fetchBalance(), ccxt.ExchangeNotAvailable);
    sim.faults.timeoutAfterAccept();
    await assert.rejects(
      ex.createOrder('ETH/USDT', 'market', 'sell', 0.1, undefined, { clientOrderId: 'hang1' }),
      ccxt.RequestTimeout,
    );
    const o = await ex.fetchOrder(undefined as unknown as string, 'ETH/USDT', { clientOrderId: 'hang1' });
    assert.equal(o.status, 'closed');
  });
});
