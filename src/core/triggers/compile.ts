import type { TriggerConfig } from '../config/trigger-schema.ts';
import type { PlanContext } from '../planner/context.ts';
import { bandKernel, relbandKernel } from './band.ts';
import { calendarKernel, hybridKernel } from './calendar.ts';
import { costAwareKernel } from './costaware.ts';
import type { TriggerKernel } from './types.ts';
import { volAdaptiveKernel } from './voladaptive.ts';

/** No trigger configured: every request is a rebalance (plan on demand). */
export function onDemandKernel(n: number): TriggerKernel {
  return {
    type: 'none',
    n,
    observe() {},
    check: () => n,
    explain: () => 'no trigger: plan on demand',
    halfWidth: () => null,
    covariance: () => null,
    reset() {},
  };
}

/** Never rebalances (buy and hold). */
export function neverKernel(n: number): TriggerKernel {
  return {
    type: 'never',
    n,
    observe() {},
    check: () => -1,
    explain: () => 'hodl: never rebalances',
    halfWidth: () => null,
    covariance: () => null,
    reset() {},
  };
}

/** Builds the columnar kernel of a trigger config; one instance per portfolio (it keeps state). */
export function compileTrigger(cfg: TriggerConfig | undefined, ctx: PlanContext): TriggerKernel {
  const u = ctx.u;
  if (cfg === undefined) return onDemandKernel(u.n);
  switch (cfg.type) {
    case 'calendar':
      return calendarKernel(u.n, cfg.period);
    case 'band':
      return bandKernel(u, cfg.band, cfg.bands);
    case 'relband':
      return relbandKernel(u, cfg.band, cfg.bands);
    case 'hybrid':
      return hybridKernel(calendarKernel(u.n, cfg.period), bandKernel(u, cfg.band, cfg.bands), cfg.period);
    case 'voladaptive':
      return volAdaptiveKernel(u, cfg);
    case 'costaware':
      return costAwareKernel(ctx, cfg);
  }
}
