import { isNewPeriod, periodKey, periodLabel } from '../calendar.ts';
import type { Period } from '../config/trigger-schema.ts';
import { rowValue } from './scan.ts';
import type { TriggerKernel } from './types.ts';

/**
 * Fires on the first bar of each period. `keys` (periodKeys of the backtest's times, optional) lets the
 * scan compare precomputed period keys; without it the scan computes them (the same numbers).
 */
export function calendarKernel(n: number, period: Period, keys: Float64Array | null = null): TriggerKernel {
  return {
    type: 'calendar',
    n,
    observe() {},
    stateless: true,
    check: (bar) => (isNewPeriod(bar.prevTime, bar.time, period) ? n : -1),
    explain(r, bar) {
      if (!Number.isFinite(bar.prevTime)) return `calendar (${period}): no previous bar to compare with`;
      const now = periodLabel(bar.time, period);
      const before = periodLabel(bar.prevTime, period);
      return r >= 0 ? `calendar: new ${period} ${now} (previous bar in ${before})` : `calendar: still ${period} ${now}`;
    },
    halfWidth: () => null,
    covariance: () => null,
    reset() {},
    scan: (P, times, qty, from, to, values) => scanCalendar(P, times, qty, period, keys, null, from, to, values),
  };
}

/**
 * TriggerKernel.scan of calendar and hybrid kernels: bars whose period differs from the previous bar's
 * fire (hybrid: only when `band` fires on that bar too). One period key per bar, as isNewPeriod computes,
 * read from `keys` (the times' periodKeys) when given.
 */
function scanCalendar(
  P: Float64Array,
  times: Float64Array,
  qty: Float64Array,
  period: Period,
  keys: Float64Array | null,
  band: TriggerKernel | null,
  from: number,
  to: number,
  values: Float64Array,
): number {
  const n = qty.length;
  let prev = keys !== null ? keys[from - 1]! : periodKey(times[from - 1]!, period);
  for (let k = from; k < to; k++) {
    const key = keys !== null ? keys[k]! : periodKey(times[k]!, period);
    const fresh = key !== prev;
    prev = key;
    // The band's own scan of this one bar writes its value and says whether it fires.
    if (fresh && band !== null) {
      if (band.scan!(P, times, qty, k, k + 1, values) === k) return k;
      continue;
    }
    values[k] = rowValue(P, qty, k * n);
    if (fresh) return k;
  }
  return to;
}

/** Hybrid: on a calendar bar, rebalance only if the band test also fires (a skipped period is not carried over). */
export function hybridKernel(
  calendar: TriggerKernel,
  band: TriggerKernel,
  period: Period,
  keys: Float64Array | null = null,
): TriggerKernel {
  const bandScan = band.scan;
  return {
    type: 'hybrid',
    n: band.n,
    observe() {},
    stateless: true,
    check(bar) {
      if (calendar.check(bar) < 0) return -1;
      return band.check(bar);
    },
    explain(r, bar) {
      const c = calendar.check(bar);
      if (c < 0) return `hybrid: ${calendar.explain(c, bar)}`;
      return `hybrid: ${calendar.explain(c, bar)}; ${band.explain(r, bar)}`;
    },
    halfWidth: () => band.halfWidth(),
    covariance: () => null,
    reset() {},
    ...(bandScan !== undefined
      ? {
          scan: (P: Float64Array, times: Float64Array, qty: Float64Array, from: number, to: number, v: Float64Array) =>
            scanCalendar(P, times, qty, period, keys, band, from, to, v),
        }
      : {}),
  };
}
