import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { combineFeesBps, type GraphMarket, liquidityFromTickers, MarketGraph, NoRouteError } from './market-graph.ts';

const mk = (base: string, quote: string, fee = 10): GraphMarket => ({
  symbol: `${base}/${quote}`,
  base,
  quote,
  active: true,
  takerFeeBps: fee,
});
const markets = [
  mk('BTC', 'USDT'),
  mk('ETH', 'USDT'),
  mk('ETH', 'BTC'),
  mk('ADA', 'BTC', 7.5),
  mk('ADA', 'ETH'),
  mk('DOT', 'USDT'),
  mk('USDT', 'TRY'),
];
const tickers = [
  { symbol: 'BTC/USDT', last: 60000, quoteVolume: 9e8 },
  { symbol: 'ETH/USDT', last: 3000, quoteVolume: 4e8 },
  { symbol: 'ETH/BTC', last: 0.05, quoteVolume: 2000 },
  { symbol: 'ADA/BTC', last: 0.000006, quoteVolume: 300 },
  { symbol: 'ADA/ETH', last: 0.00012, quoteVolume: 50 },
  { symbol: 'USDT/TRY', last: 40, quoteVolume: 4e9 },
];

describe('market graph', () => {
  const g = new MarketGraph(markets, 'USDT', liquidityFromTickers(markets, tickers, 'USDT'));

  it('prefers the direct market', () => {
    const r = g.route('ETH');
    assert.equal(r?.legs.length, 1);
    assert.deepEqual(r?.legs[0], { symbol: 'ETH/USDT', from: 'ETH', to: 'USDT', side: 'sell', feeBps: 10 });
  });

  it('routes ADA through the deepest intermediate (BTC: 300 BTC ≈ 18M USDT vs ETH: 50 ETH ≈ 150k USDT)', () => {
    const r = g.route('ADA');
    assert.equal(r?.via, 'BTC');
    assert.deepEqual(
      r?.legs.map((l) => `${l.symbol}:${l.side}`),
      ['ADA/BTC:sell', 'BTC/USDT:sell'],
    );
    assert.equal(r?.liquidity, 300 * 60000);
  });

  it('uses inverse markets (quote is the base of the market)', () => {
    const t = new MarketGraph(markets, 'TRY', liquidityFromTickers(markets, tickers, 'TRY'));
    assert.deepEqual(t.route('USDT')?.legs[0], {
      symbol: 'USDT/TRY',
      from: 'USDT',
      to: 'TRY',
      side: 'sell',
      feeBps: 10,
    });
    assert.equal(t.route('BTC')?.via, 'USDT');
  });

  it('combines both legs fees for the planner: 1 − (1 − 7.5 bp)(1 − 10 bp)', () => {
    assert.ok(Math.abs(g.pathFeeBps('ADA') - 17.4925) < 1e-9);
    assert.equal(g.pathFeeBps('BTC'), 10);
  });

  it('says clearly when no route exists', () => {
    assert.throws(() => g.pathFeeBps('XYZ'), NoRouteError);
    assert.equal(g.route('USDT'), undefined);
  });

  it('ignores inactive markets', () => {
    const g2 = new MarketGraph(
      [{ ...mk('BTC', 'USDT'), active: false }, mk('BTC', 'EUR'), mk('USDT', 'EUR')],
      'USDT',
      () => 1,
    );
    assert.equal(g2.route('BTC')?.via, 'EUR');
  });

  it('property: combined fee lies between the larger leg fee and the sum of the fees', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        (a, b) => {
          const c = combineFeesBps([a, b]);
          return c >= Math.max(a, b) - 1e-9 && c <= a + b + 1e-9;
        },
      ),
    );
  });
});
