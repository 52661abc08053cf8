import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatUnits, parseUnits } from './decimal.ts';
import { defaultConfig } from './default-config.ts';
import { SimExchange } from './engine.ts';
import { FaultController } from './faults.ts';
import { parseNewOrder } from './filters.ts';
import { BinanceError } from './types.ts';

/** Balances recomputed from the initial ones and the trade log alone, exactly. */
function replay(ex: SimExchange, initial: Record<string, string>): Map<string, bigint> {
  const out = new Map<string, bigint>(Object.entries(initial).map(([a, v]) => [a, parseUnits(v) ?? 0n]));
  const add = (a: string, v: bigint) => out.set(a, (out.get(a) ?? 0n) + v);
  for (const t of ex.trades) {
    const m = ex.market(t.symbol);
    add(m.base, t.side === 'BUY' ? t.qty : -t.qty);
    add(m.quote, t.side === 'BUY' ? -t.quoteQty : t.quoteQty);
    add(t.commissionAsset, -t.commission);
  }
  return out;
}

const op = fc.oneof(
  fc.record({
    k: fc.constant('market' as const),
    side: fc.constantFrom('BUY', 'SELL'),
    qty: fc.integer({ min: 1, max: 3000 }),
    partial: fc.boolean(),
  }),
  fc.record({
    k: fc.constant('limit' as const),
    side: fc.constantFrom('BUY', 'SELL'),
    qty: fc.integer({ min: 1, max: 3000 }),
    off: fc.integer({ min: -300, max: 300 }),
    partial: fc.boolean(),
  }),
  fc.record({ k: fc.constant('price' as const), price: fc.integer({ min: 55_000, max: 65_000 }) }),
  fc.record({ k: fc.constant('cancel' as const), pick: fc.nat() }),
);

describe('simulator engine', () => {
  for (const commissionAsset of ['received', 'quote'] as const) {
    it(`property: initial balances + fills − fees = free + locked, exactly (commission in ${commissionAsset})`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
          const cfg = defaultConfig({ commissionAsset, takerBps: 10, makerBps: 7.5, clock: () => 1_000 });
          const ex = new SimExchange(cfg, new FaultController());
          let n = 0;
          for (const o of ops) {
            try {
              if (o.k === 'price') ex.setPrice('BTCUSDT', String(o.price));
              else if (o.k === 'cancel') {
                const open = ex.orders.filter((x) => ex.isOpen(x));
                if (open.length > 0) ex.cancel('BTCUSDT', { orderId: open[o.pick % open.length].orderId });
              } else {
                const qty = formatUnits(BigInt(o.qty) * 100_000n); // 0.001 .. 3 BTC
                const params: Record<string, string> = {
                  symbol: 'BTCUSDT',
                  side: o.side,
                  type: o.k === 'market' ? 'MARKET' : 'LIMIT',
                  quantity: qty,
                  newClientOrderId: `c${n++}`,
                };
                if (o.k === 'limit') Object.assign(params, { price: String(60_000 + o.off * 10), timeInForce: 'GTC' });
                ex.newOrder(parseNewOrder(params), () => (o.partial ? { kind: 'partial', fraction: 0.5 } : undefined));
              }
            } catch (e) {
              if (!(e instanceof BinanceError)) throw e;
            }
          }
          const expected = replay(ex, cfg.balances);
          for (const [asset, b] of ex.balances) {
            assert.equal(b.free + b.locked, expected.get(asset) ?? 0n, asset);
            assert.ok(b.free >= 0n && b.locked >= 0n, `${asset} never negative`);
          }
          const lockedByOrders = ex.orders.filter((x) => ex.isOpen(x)).reduce((a, x) => a + x.locked, 0n);
          const locked = (ex.balances.get('USDT')?.locked ?? 0n) + (ex.balances.get('BTC')?.locked ?? 0n);
          assert.equal(locked, lockedByOrders);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('market orders walk the configured depth (slippage) and fill in several trades', () => {
    const cfg = defaultConfig({
      markets: [
        {
          symbol: 'BTCUSDT',
          base: 'BTC',
          quote: 'USDT',
          price: '60000',
          tickSize: '0.01',
          stepSize: '0.00001',
          minQty: '0.00001',
          minNotional: '5',
          depth: { levelQty: '0.5', stepBps: 10 },
        },
      ],
    });
    const ex = new SimExchange(cfg, new FaultController());
    const o = ex.newOrder(
      parseNewOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1.2', newClientOrderId: 'd1' }),
    );
    assert.equal(o.status, 'FILLED');
    assert.deepEqual(
      ex.trades.map((t) => [formatUnits(t.price), formatUnits(t.qty)]),
      [
        ['60000.00000000', '0.50000000'],
        ['60060.00000000', '0.50000000'],
        ['60120.00000000', '0.20000000'],
      ],
    );
  });

  it('rejects with Binance codes: LOT_SIZE step, PRICE_FILTER tick, client id syntax, too much precision', () => {
    const ex = new SimExchange(defaultConfig(), new FaultController());
    const code = (p: Record<string, string>): number => {
      try {
        ex.newOrder(parseNewOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', ...p }));
        return 0;
      } catch (e) {
        return e instanceof BinanceError ? e.code : NaN;
      }
    };
    assert.equal(code({ quantity: '0.000015', price: '60000' }), -1013);
    assert.equal(code({ quantity: '0.001', price: '60000.001' }), -1013);
    assert.equal(code({ quantity: '0.001', price: '60000', newClientOrderId: 'bad id!' }), -1100);
    assert.equal(code({ quantity: '0.000000001', price: '60000' }), -1111);
    assert.equal(code({ quantity: '0.001' }), -1102);
    assert.equal(code({ symbol: 'NOPE', quantity: '1', price: '1' }), -1121);
  });

  it('delay faults hold an order NEW until released; timed ones release themselves', async () => {
    const ex = new SimExchange(defaultConfig(), new FaultController());
    const o = ex.newOrder(
      parseNewOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', newClientOrderId: 'h1' }),
      () => ({ kind: 'delay' }),
    );
    assert.equal(o.status, 'NEW');
    ex.setPrice('BTCUSDT', '61000');
    assert.equal(o.status, 'NEW');
    assert.equal(ex.release('h1'), 1);
    assert.equal(o.status, 'FILLED');
    assert.equal(formatUnits(ex.trades[0].price), '60006.00000000', 'fills at the price it was accepted at');
    const t = ex.newOrder(
      parseNewOrder({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: '0.01', newClientOrderId: 'h2' }),
      () => ({ kind: 'delay', ms: 30 }),
    );
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(t.status, 'FILLED');
    ex.stop();
  });
});
