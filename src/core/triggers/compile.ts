import type { OptbandTrack } from '../bands/track.ts';
import type { WeightVarianceParams } from '../bands/weight-variance.ts';
import type { Period, TriggerConfig } from '../config/trigger-schema.ts';
import type { PlanContext } from '../planner/context.ts';
import { bandKernel, relbandKernel } from './band.ts';
import { calendarKernel, hybridKernel } from './calendar.ts';
import { costAwareKernel } from './costaware.ts';
import { optbandKernel } from './optband.ts';
import { rowValue } from './scan.ts';
import type { TriggerKernel } from './types.ts';
import type { VolTrack } from './vol-track.ts';
import { volAdaptiveKernel } from './voladaptive.ts';

/** No trigger configured: every request is a rebalance (plan on demand). */
export function onDemandKernel(n: number): TriggerKernel {
  return {
    type: 'none',
    n,
    observe() {},
    stateless: true,
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
    stateless: true,
    check: () => -1,
    explain: () => 'hodl: never rebalances',
    halfWidth: () => null,
    covariance: () => null,
    reset() {},
    scan(P, _times, qty, from, to, values) {
      for (let k = from; k < to; k++) values[k] = rowValue(P, qty, k * n);
      return to;
    },
  };
}

/**
 * Columns precomputed for the price matrix a backtest runs on, shared by its runs (the kernels read them
 * instead of estimating bar by bar; the same numbers). The service has none.
 */
export interface TriggerColumns {
  volTrack(lambda: number, warmup: number): VolTrack;
  /** periodKey of every bar's time (calendar and hybrid scans compare them). */
  periodKeys?(period: Period): Float64Array;
  /** The optband estimator's states for the data's own target (the kernel checks the target). */
  optbandTrack?(params: WeightVarianceParams): OptbandTrack;
}

/** Builds the columnar kernel of a trigger config; one instance per portfolio (it keeps state). */
export function compileTrigger(
  cfg: TriggerConfig | undefined,
  ctx: PlanContext,
  columns?: TriggerColumns,
): TriggerKernel {
  const u = ctx.u;
  if (cfg === undefined) return onDemandKernel(u.n);
  switch (cfg.type) {
    case 'calendar':
      return calendarKernel(u.n, cfg.period, columns?.periodKeys?.(cfg.period) ?? null);
    case 'band':
      return bandKernel(u, cfg.band, cfg.bands);
    case 'relband':
      return relbandKernel(u, cfg.band, cfg.bands);
    case 'hybrid':
      return hybridKernel(
        calendarKernel(u.n, cfg.period),
        bandKernel(u, cfg.band, cfg.bands),
        cfg.period,
        columns?.periodKeys?.(cfg.period) ?? null,
      );
    case 'voladaptive':
      return volAdaptiveKernel(u, cfg, columns?.volTrack(cfg.lambda, cfg.warmup));
    case 'costaware':
      return costAwareKernel(ctx, cfg);
    case 'optband': {
      const wv = { vol: cfg.vol, refitEvery: cfg.refitEvery, lambda: cfg.lambda, warmup: cfg.warmup };
      return optbandKernel(ctx, cfg, columns?.optbandTrack?.(wv));
    }
  }
}
