import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateGbm } from '../synthetic/gbm.ts';
import { parsePriceCsv } from './load.ts';
import { selectWindow } from './window.ts';
import { formatLongCsv, formatWideCsv } from './write.ts';

describe('formatWideCsv / formatLongCsv', () => {
  it('round-trip exactly through the loaders (wide and long, days and intraday times)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(86_400_000, 3_600_000),
        (seed, bars, n, stepMs) => {
          const w = generateGbm({ seed, bars, assets: n, sigma: 0.05, correlation: 0.3, stepMs });
          for (const text of [formatWideCsv(w), formatLongCsv(w)]) {
            const back = selectWindow(parsePriceCsv(text), { assets: w.assets, cash: 'USD' });
            assert.deepEqual(back.times, w.times);
            assert.deepEqual(back.prices, w.prices);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes days as YYYY-MM-DD and other times as ISO timestamps', () => {
    const w = {
      assets: ['BTC'],
      times: Float64Array.of(Date.parse('2020-01-01T00:00:00Z'), Date.parse('2020-01-01T12:00:00Z')),
      prices: Float64Array.of(1.5, 2),
      filled: 0,
    };
    assert.equal(formatWideCsv(w), 'date,BTC\n2020-01-01,1.5\n2020-01-01T12:00:00.000Z,2\n');
    assert.equal(formatLongCsv(w), 'timestamp,asset,close\n2020-01-01,BTC,1.5\n2020-01-01T12:00:00.000Z,BTC,2\n');
  });
});
