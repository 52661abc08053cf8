/** Guards the bundled example data (examples/data/crypto-daily.csv): shape, completeness, load time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DAY_MS } from './dates.ts';
import { loadPriceCsv } from './load.ts';
import { selectWindow } from './window.ts';

const BUNDLED = fileURLToPath(new URL('../../../examples/data/crypto-daily.csv', import.meta.url));

describe('bundled crypto-daily.csv', () => {
  it('has 7 assets, one row per UTC day from 2018-01-01 to 2025-02-11, every price present', () => {
    loadPriceCsv(BUNDLED); // warm-up, so the timing below is the steady state
    const t0 = performance.now();
    const table = loadPriceCsv(BUNDLED);
    const ms = performance.now() - t0;
    console.log(
      `load crypto-daily.csv (${table.times.length} rows × ${table.assets.length} assets): ${ms.toFixed(2)} ms`,
    );
    assert.deepEqual(table.assets, ['BTC', 'ETH', 'BNB', 'XRP', 'ADA', 'DOGE', 'LTC']);
    assert.equal(table.times.length, 2599);
    assert.equal(table.times[0], Date.parse('2018-01-01T00:00:00Z'));
    assert.equal(table.times[2598], Date.parse('2025-02-11T00:00:00Z'));
    for (let t = 1; t < table.times.length; t++) assert.equal(table.times[t] - table.times[t - 1], DAY_MS);
    for (const col of table.closes) assert.ok(col.every((p) => p > 0 && Number.isFinite(p)));
    const w = selectWindow(table, { assets: table.assets, cash: 'USD' });
    assert.equal(w.filled, 0);
    assert.equal(w.prices.length, 2599 * 7);
  });
});
