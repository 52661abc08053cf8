import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { netTrades } from './net.ts';

test('netting: overweight assets pay underweight ones directly; the quote is a source or sink like any asset', () => {
  const swaps = netTrades(
    [
      { asset: 'WETH', side: 'sell', notional: 600 },
      { asset: 'WBTC', side: 'buy', notional: 400 },
      { asset: 'LINK', side: 'buy', notional: 300 },
    ],
    'USDC',
  );
  assert.deepEqual(swaps, [
    { sell: 'WETH', buy: 'WBTC', value: 400 },
    { sell: 'WETH', buy: 'LINK', value: 200 },
    { sell: 'USDC', buy: 'LINK', value: 100 },
  ]);
});

test('netting (property): conserves every delta, never sells and buys one asset, at most n − 1 swaps', () => {
  const assets = ['A', 'B', 'C', 'D', 'E'];
  fc.assert(
    fc.property(
      fc.array(fc.record({ i: fc.integer({ min: 0, max: 4 }), v: fc.integer({ min: -1e6, max: 1e6 }) }), {
        maxLength: 8,
      }),
      (raw) => {
        const trades = raw
          .filter((r) => r.v !== 0)
          .map((r) => ({
            asset: assets[r.i]!,
            side: r.v > 0 ? ('buy' as const) : ('sell' as const),
            notional: Math.abs(r.v),
          }));
        const swaps = netTrades(trades, 'Q');
        const want = new Map<string, number>();
        for (const t of trades) {
          const d = t.side === 'buy' ? t.notional : -t.notional;
          want.set(t.asset, (want.get(t.asset) ?? 0) + d);
          want.set('Q', (want.get('Q') ?? 0) - d);
        }
        const got = new Map<string, number>();
        for (const s of swaps) {
          got.set(s.sell, (got.get(s.sell) ?? 0) - s.value);
          got.set(s.buy, (got.get(s.buy) ?? 0) + s.value);
        }
        const scale = trades.reduce((s, t) => s + t.notional, 1);
        for (const a of [...assets, 'Q'])
          assert.ok(Math.abs((want.get(a) ?? 0) - (got.get(a) ?? 0)) <= scale * 1e-8, a);
        const sold = new Set(swaps.map((s) => s.sell));
        for (const s of swaps) assert.ok(!sold.has(s.buy));
        const moving = [...want.values()].filter((v) => Math.abs(v) > scale * 1e-9).length;
        assert.ok(swaps.length <= Math.max(0, moving - 1));
      },
    ),
  );
});
