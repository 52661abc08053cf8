import type { Period } from './config/trigger-schema.ts';

const DAY_MS = 86_400_000;

/** Year·12 + month (0-based) of a day number since 1970-01-01, allocation-free (H. Hinnant's civil_from_days). */
export function yearMonthOfDay(day: number): number {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 2 : mp - 10; // 0-based month
  const y = yoe + era * 400 + (m < 2 ? 1 : 0);
  return y * 12 + m;
}

/** Day number since 1970-01-01 of 1 January of `year`. */
function jan1Day(year: number): number {
  const y = year - 1;
  return 365 * (y - 1969) + Math.floor((y - 1968) / 4) - Math.floor((y - 1900) / 100) + Math.floor((y - 1600) / 400);
}

/**
 * ISO 8601 week-numbering year and week of a UTC time, as year·100 + week (2015-12-31 and 2016-01-01
 * are both 201553). The week belongs to the year of its Thursday.
 */
export function isoWeekKey(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const dow = (((day + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  const thursday = day - dow + 3;
  const year = Math.floor(yearMonthOfDay(thursday) / 12);
  return year * 100 + Math.floor((thursday - jan1Day(year)) / 7) + 1;
}

/** A number that is equal for two times exactly when they fall in the same UTC period. */
export function periodKey(ms: number, period: Period): number {
  switch (period) {
    case 'day':
      return Math.floor(ms / DAY_MS);
    case 'week':
      return isoWeekKey(ms);
    case 'month':
      return yearMonthOfDay(Math.floor(ms / DAY_MS));
    case 'quarter': {
      const ym = yearMonthOfDay(Math.floor(ms / DAY_MS));
      return Math.floor(ym / 12) * 4 + Math.floor((ym % 12) / 3);
    }
  }
}

/**
 * periodKey of every time of a column (a backtest's bars), computed once per data set: a calendar kernel's
 * scan then compares two numbers per bar instead of converting each bar's time to a civil date.
 */
export function periodKeys(times: Float64Array, period: Period): Float64Array {
  const keys = new Float64Array(times.length);
  for (let k = 0; k < times.length; k++) keys[k] = periodKey(times[k]!, period);
  return keys;
}

/** The readable key: `2024-03-05`, `2015-W53`, `2024-03`, `2024-Q1`. */
export function periodLabel(ms: number, period: Period): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (period) {
    case 'day':
      return d.toISOString().slice(0, 10);
    case 'week': {
      const k = isoWeekKey(ms);
      return `${Math.floor(k / 100)}-W${String(k % 100).padStart(2, '0')}`;
    }
    case 'month':
      return `${y}-${String(m + 1).padStart(2, '0')}`;
    case 'quarter':
      return `${y}-Q${Math.floor(m / 3) + 1}`;
  }
}

/** Calendar rule: fires when the two times fall in different periods (never without a previous time). */
export function isNewPeriod(prevMs: number, ms: number, period: Period): boolean {
  if (!Number.isFinite(prevMs)) return false;
  return periodKey(prevMs, period) !== periodKey(ms, period);
}
