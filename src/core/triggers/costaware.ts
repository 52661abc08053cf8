import { trackingLoss } from '../planner/benefit.ts';
import { PlanBuffers, type PlanContext } from '../planner/context.ts';
import { planInto } from '../planner/plan.ts';
import { EwmaEstimator } from './ewma.ts';
import type { TriggerBar, TriggerKernel } from './types.ts';

export interface CostAwareParams {
  readonly riskAversion: number;
  readonly horizon: number;
  readonly lambda: number;
  readonly warmup: number;
}

/**
 * Cost-aware no-trade region: rebalance when the benefit ½·γ·H·(w−t)ᵀΣ(w−t)·V (Σ the EWMA covariance of
 * per-bar returns) exceeds the total cost of the `full` plan from the cost model. Quiet during warm-up.
 */
export function costAwareKernel(ctx: PlanContext, p: CostAwareParams): TriggerKernel {
  const u = ctx.u;
  const est = new EwmaEstimator(u.n, p.lambda, p.warmup, true);
  const buf = new PlanBuffers(u.n);
  const zeros = new Float64Array(u.n);
  let benefit = 0;
  let cost = 0;
  // A plan with no trade (on target up to rounding, or every trade below its lot or minimum) realizes
  // no benefit, however small its cost: it never fires.
  let trades = 0;
  const evaluate = (bar: TriggerBar) => {
    benefit = trackingLoss(bar.w, u.target, est.cov, zeros, p.riskAversion, p.horizon, bar.value);
    planInto(ctx, bar.qty, bar.prices, 'full', buf);
    cost = buf.totalCost;
    trades = 0;
    for (let i = 0; i < u.n; i++) if (i !== u.quoteIndex && buf.dq[i] !== 0) trades++;
  };
  return {
    type: 'costaware',
    n: u.n,
    observe: (prices) => est.observe(prices),
    check(bar) {
      if (!est.ready) return -1;
      evaluate(bar);
      return benefit > cost && trades > 0 ? u.n : -1;
    },
    explain(r, bar) {
      if (!est.ready) return `costaware: warming up (${est.count} of ${p.warmup} returns seen)`;
      evaluate(bar);
      const b = benefit.toFixed(2);
      const c = cost.toFixed(2);
      if (r >= 0) return `costaware: benefit ${b} > cost ${c} ${u.quote}`;
      return trades > 0
        ? `costaware: benefit ${b} ≤ cost ${c} ${u.quote}`
        : `costaware: benefit ${b}, cost ${c} ${u.quote}: the full plan has no trade`;
    },
    halfWidth: () => null,
    covariance: () => (est.ready ? est.cov : null),
    reset: () => est.reset(),
  };
}
