import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impliedBarsPerYear, jumpWarning, spacingWarning } from './checks.ts';
import { DAY_MS } from './dates.ts';

const t0 = Date.UTC(2024, 0, 1);
const times = (n: number, gap: number) => Float64Array.from({ length: n }, (_, k) => t0 + k * gap);

test('a single-bar move beyond ×5 or ÷5 is named with its asset, dates and count; ×4 is not', () => {
  const d = {
    times: times(4, DAY_MS),
    prices: Float64Array.from([100, 10, 101, 10, 700, 10, 710, 1.5]),
    assets: ['BTC', 'ETH'],
  };
  assert.equal(
    jumpWarning(d, 5, 'p.csv'),
    'warning: p.csv: BTC moves ×6.93 from 2024-01-02 to 2024-01-03 (and 1 more such move), more than ×5 in one bar: check the data (--jump-warn 0 silences this)',
  );
  assert.equal(jumpWarning(d, 10, 'p.csv'), null);
  assert.equal(jumpWarning(d, 0, 'p.csv'), null, '0 turns it off');
  const down = { times: times(2, DAY_MS), prices: Float64Array.from([100, 19]), assets: ['BTC'] };
  assert.match(jumpWarning(down, 5, 'p.csv')!, /BTC moves ÷5\.26/);
});

test('bar spacing: daily bars and 365 agree, weekdays and 252 too; hourly bars with 365 get the right figure', () => {
  assert.ok(Math.abs(impliedBarsPerYear(times(10, DAY_MS)) - 365) < 1e-9);
  assert.equal(spacingWarning(times(10, DAY_MS), 365, 'p.csv'), null);
  assert.equal(
    spacingWarning(times(10, 3_600_000), 365, 'p.csv'),
    'warning: p.csv: the data has 8,760 bars a year but --periods-per-year is 365: volatility and Sharpe are annualized wrong; pass --periods-per-year 8760',
  );
  assert.match(spacingWarning(times(10, 7 * DAY_MS), 365, 'p.csv')!, /has 52 bars a year/);
  // Weekdays only (5 bars a week): 261 a year, and 252 is within 25% of it.
  const weekdays = Float64Array.from({ length: 260 }, (_, k) => t0 + (Math.floor(k / 5) * 7 + (k % 5)) * DAY_MS);
  assert.equal(spacingWarning(weekdays, 252, 'p.csv'), null);
});
