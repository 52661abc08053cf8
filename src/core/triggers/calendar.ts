import { isNewPeriod, periodLabel } from '../calendar.ts';
import type { Period } from '../config/trigger-schema.ts';
import type { TriggerKernel } from './types.ts';

export function calendarKernel(n: number, period: Period): TriggerKernel {
  return {
    type: 'calendar',
    n,
    observe() {},
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
  };
}

/** Hybrid: on a calendar bar, rebalance only if the band test also fires (a skipped period is not carried over). */
export function hybridKernel(calendar: TriggerKernel, band: TriggerKernel): TriggerKernel {
  return {
    type: 'hybrid',
    n: band.n,
    observe() {},
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
  };
}
