import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PriceWindowError } from './errors.ts';
import { parsePriceCsv } from './load.ts';
import { selectWindow } from './window.ts';

const D = (s: string) => Date.parse(`${s}T00:00:00Z`);
// BRK-B misses 01-03; SOL starts 01-03.
const table = parsePriceCsv(
  [
    'date,BTC,ETH,BRK-B,SOL',
    '2020-01-01,10,20,30,',
    '2020-01-02,11,21,31,',
    '2020-01-03,12,22,,1',
    '2020-01-04,13,23,33,2',
    '2020-01-05,14,24,34,3',
  ].join('\n'),
);

function windowError(fn: () => unknown, pattern: RegExp, detail: { asset?: string; date?: string } = {}) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof PriceWindowError, String(e));
    assert.match(e.message, pattern);
    if (detail.asset !== undefined) assert.equal(e.asset, detail.asset);
    if (detail.date !== undefined) assert.equal(e.date, detail.date);
    return true;
  });
}

describe('selectWindow', () => {
  it('selects target columns in the requested order, row-major, bar-major', () => {
    const w = selectWindow(table, { assets: ['ETH', 'BTC'], cash: 'USD' });
    assert.deepEqual(w.assets, ['ETH', 'BTC']);
    assert.equal(w.times.length, 5);
    assert.deepEqual([...w.prices.slice(0, 4)], [20, 10, 21, 11]);
    assert.equal(w.prices[4 * 2 + 1], 14);
    assert.equal(w.filled, 0);
  });

  it('starts by default at the first bar where every target has a price', () => {
    const w = selectWindow(table, { assets: ['BTC', 'SOL'], cash: 'USD' });
    assert.deepEqual([...w.times], [D('2020-01-03'), D('2020-01-04'), D('2020-01-05')]);
    assert.deepEqual([...w.prices], [12, 1, 13, 2, 14, 3]);
  });

  it('keeps bars with start ≤ UTC date ≤ end, both inclusive', () => {
    const w = selectWindow(table, { assets: ['BTC'], cash: 'USD', start: '2020-01-02', end: '2020-01-04' });
    assert.deepEqual([...w.prices], [11, 12, 13]);
    const intraday = parsePriceCsv(
      'date,A\n2020-01-01T23:59:00Z,1\n2020-01-02T00:00:00Z,2\n2020-01-02T23:00:00Z,3\n2020-01-03T00:00:00Z,4\n',
    );
    const wi = selectWindow(intraday, { assets: ['A'], cash: 'USD', start: '2020-01-02', end: '2020-01-02' });
    assert.deepEqual([...wi.prices], [2, 3]);
  });

  it('a missing price inside the window is an error naming asset and date', () => {
    windowError(
      () => selectWindow(table, { assets: ['BTC', 'BRK-B'], cash: 'USD' }),
      /no price for BRK-B on 2020-01-03 \(use --fill forward/,
      {
        asset: 'BRK-B',
        date: '2020-01-03',
      },
    );
    windowError(
      () => selectWindow(table, { assets: ['SOL'], cash: 'USD', start: '2020-01-01' }),
      /no price for SOL on 2020-01-01/,
    );
  });

  it('fill forward carries the last close (even from before the window) and counts cells', () => {
    const w = selectWindow(table, { assets: ['BRK-B', 'BTC'], cash: 'USD', fill: 'forward' });
    assert.deepEqual([...w.prices], [30, 10, 31, 11, 31, 12, 33, 13, 34, 14]);
    assert.equal(w.filled, 1);
    const late = selectWindow(table, { assets: ['BRK-B'], cash: 'USD', fill: 'forward', start: '2020-01-03' });
    assert.deepEqual([...late.prices], [31, 33, 34]);
    assert.equal(late.filled, 1);
    windowError(
      () => selectWindow(table, { assets: ['SOL'], cash: 'USD', start: '2020-01-01', fill: 'forward' }),
      /no earlier price to carry forward/,
    );
  });

  it('rejects a cash column, unknown, duplicate or cash targets, bad or empty windows', () => {
    const withUsd = parsePriceCsv('date,BTC,USD\n2020-01-01,1,1\n');
    windowError(() => selectWindow(withUsd, { assets: ['BTC'], cash: 'USD' }), /column "USD", the cash asset/, {
      asset: 'USD',
    });
    windowError(
      () => selectWindow(table, { assets: ['DOGE'], cash: 'USD' }),
      /asset "DOGE" is not in the price file \(it has: BTC, ETH, BRK-B, SOL\)/,
    );
    windowError(() => selectWindow(table, { assets: ['BTC', 'BTC'], cash: 'USD' }), /listed twice/);
    windowError(() => selectWindow(table, { assets: ['BTC', 'USDC'], cash: 'USDC' }), /is the cash asset/);
    windowError(() => selectWindow(table, { assets: [], cash: 'USD' }), /no target assets/);
    windowError(
      () => selectWindow(table, { assets: ['BTC'], cash: 'USD', start: '2020/01/01' }),
      /start "2020\/01\/01" is not a date/,
    );
    windowError(
      () => selectWindow(table, { assets: ['BTC'], cash: 'USD', start: '2020-01-04', end: '2020-01-02' }),
      /end 2020-01-02 is before start/,
    );
    windowError(
      () => selectWindow(table, { assets: ['BTC'], cash: 'USD', start: '2021-01-01' }),
      /no bar in the window/,
    );
  });

  it('property: every output cell equals the table cell of its asset and bar', () => {
    fc.assert(
      fc.property(fc.subarray(['BTC', 'ETH', 'BRK-B', 'SOL'], { minLength: 1 }), (assets) => {
        const w = selectWindow(table, { assets: [...assets].reverse(), cash: 'USD', fill: 'forward' });
        const n = w.assets.length;
        assert.equal(w.prices.length, w.times.length * n);
        for (let t = 0; t < w.times.length; t++) {
          const row = table.times.indexOf(w.times[t]);
          for (let i = 0; i < n; i++) {
            const src = table.closes[table.assets.indexOf(w.assets[i])][row];
            assert.ok(Number.isNaN(src) || w.prices[t * n + i] === src);
            assert.ok(w.prices[t * n + i] > 0);
          }
        }
      }),
    );
  });
});

describe('speed', () => {
  it('parses and windows a 3,800 × 14 wide file quickly', () => {
    const lines = [`date,${Array.from({ length: 14 }, (_, i) => `A${i}`).join(',')}`];
    for (let r = 0; r < 3800; r++) {
      const day = new Date(D('2014-09-17') + r * 86_400_000).toISOString().slice(0, 10);
      lines.push(
        `${day},${Array.from({ length: 14 }, (_, i) => (r < 1000 && i > 7 ? '' : (100 + i + r / 7).toString())).join(',')}`,
      );
    }
    const text = lines.join('\n');
    parsePriceCsv(text); // warm-up
    const t0 = performance.now();
    const t = parsePriceCsv(text);
    const w = selectWindow(t, { assets: ['A0', 'A3', 'A9'], cash: 'USD' });
    const ms = performance.now() - t0;
    console.log(`parse + window 3,800 × 14: ${ms.toFixed(2)} ms`);
    assert.equal(w.times.length, 2800);
    // A guard against accidental quadratic work, loose enough for a loaded 2-core machine (a few ms when idle).
    assert.ok(ms < 1000, `took ${ms} ms`);
  });
});

describe('a missing price names the file and its line (issue #16)', () => {
  it('wide CSV: file:line of the empty cell', () => {
    windowError(
      () => selectWindow(table, { assets: ['BTC', 'BRK-B'], cash: 'USD', start: '2020-01-01' }),
      /^prices\.csv:4: no price for BRK-B on 2020-01-03/,
      { asset: 'BRK-B', date: '2020-01-03' },
    );
  });
});
