import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNewPeriod, isoWeekKey, periodKey, periodLabel, yearMonthOfDay } from './calendar.ts';

const T = (s: string) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
const DAY = 86_400_000;

/** Reference ISO week (year·100 + week) through Date, the textbook way. */
function refIsoWeek(ms: number): number {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  const th = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const y = th.getUTCFullYear();
  const jan4 = new Date(Date.UTC(y, 0, 4));
  const week1Monday = Date.UTC(y, 0, 4 - ((jan4.getUTCDay() + 6) % 7));
  return y * 100 + Math.floor((th.getTime() - week1Monday) / (7 * DAY)) + 1;
}

describe('ISO weeks', () => {
  it('2015-12-31 and 2016-01-01 are both 2015-W53: no fire between them', () => {
    assert.equal(isoWeekKey(T('2015-12-31')), 201553);
    assert.equal(isoWeekKey(T('2016-01-01')), 201553);
    assert.equal(periodLabel(T('2016-01-01'), 'week'), '2015-W53');
    assert.equal(isNewPeriod(T('2015-12-31'), T('2016-01-01'), 'week'), false);
    assert.equal(isNewPeriod(T('2015-12-31'), T('2016-01-03T23:59:59.999Z'), 'week'), false);
  });
  it('the first bar of a new ISO week-year fires', () => {
    assert.equal(isNewPeriod(T('2016-01-03T23:59:59.999Z'), T('2016-01-04'), 'week'), true);
    assert.equal(periodLabel(T('2016-01-04'), 'week'), '2016-W01');
    // 2018-12-31 (a Monday) opens 2019-W01; 2019-01-01 is in the same week.
    assert.equal(isNewPeriod(T('2018-12-30'), T('2018-12-31'), 'week'), true);
    assert.equal(periodLabel(T('2018-12-31'), 'week'), '2019-W01');
    assert.equal(isNewPeriod(T('2018-12-31'), T('2019-01-01'), 'week'), false);
  });
  it('agrees with a Date-based reference every day from 1960 to 2110', () => {
    for (let ms = T('1960-01-01'); ms < T('2110-01-01'); ms += DAY) {
      if (isoWeekKey(ms) !== refIsoWeek(ms)) assert.fail(`${new Date(ms).toISOString()}`);
      if (isoWeekKey(ms + DAY - 1) !== refIsoWeek(ms)) assert.fail(`end of ${new Date(ms).toISOString()}`);
    }
  });
});

describe('calendar periods', () => {
  it('yearMonthOfDay agrees with Date every day from 1900 to 2200', () => {
    for (let day = Math.floor(T('1900-01-01') / DAY); day < T('2200-01-01') / DAY; day++) {
      const d = new Date(day * DAY);
      if (yearMonthOfDay(day) !== d.getUTCFullYear() * 12 + d.getUTCMonth()) assert.fail(d.toISOString());
    }
  });
  it('day boundary: the last millisecond and the first of the next day', () => {
    assert.equal(isNewPeriod(T('2024-03-05T23:59:59.999Z'), T('2024-03-06'), 'day'), true);
    assert.equal(isNewPeriod(T('2024-03-05'), T('2024-03-05T23:59:59.999Z'), 'day'), false);
    assert.equal(isNewPeriod(T('1969-12-31T23:59:59.999Z'), T('1970-01-01'), 'day'), true);
    assert.equal(periodLabel(T('2024-03-05T12:00:00Z'), 'day'), '2024-03-05');
  });
  it('month boundary, leap day included', () => {
    assert.equal(isNewPeriod(T('2024-02-29T23:59:59.999Z'), T('2024-03-01'), 'month'), true);
    assert.equal(isNewPeriod(T('2024-02-01'), T('2024-02-29T23:59:59.999Z'), 'month'), false);
    assert.equal(isNewPeriod(T('2023-12-31T23:59:59.999Z'), T('2024-01-01'), 'month'), true);
    assert.equal(periodLabel(T('2024-02-29'), 'month'), '2024-02');
  });
  it('quarter boundaries', () => {
    assert.equal(isNewPeriod(T('2024-03-31T23:59:59.999Z'), T('2024-04-01'), 'quarter'), true);
    assert.equal(isNewPeriod(T('2024-04-01'), T('2024-06-30T23:59:59.999Z'), 'quarter'), false);
    assert.equal(isNewPeriod(T('2024-12-31'), T('2025-01-01'), 'quarter'), true);
    // Same quarter number, different year: a year apart is a new quarter.
    assert.equal(isNewPeriod(T('2023-02-01'), T('2024-02-01'), 'quarter'), true);
    assert.equal(periodLabel(T('2024-06-30'), 'quarter'), '2024-Q2');
    assert.equal(periodKey(T('2024-07-01'), 'quarter') - periodKey(T('2024-06-30'), 'quarter'), 1);
  });
  it('a year apart in the same month/day/week number is a new period', () => {
    assert.equal(isNewPeriod(T('2023-05-10'), T('2024-05-10'), 'month'), true);
    assert.equal(isNewPeriod(T('2023-05-10'), T('2024-05-08'), 'week'), true);
  });
  it('no fire without a previous time', () => {
    for (const p of ['day', 'week', 'month', 'quarter'] as const) {
      assert.equal(isNewPeriod(Number.NaN, T('2024-01-01'), p), false);
    }
  });
});
