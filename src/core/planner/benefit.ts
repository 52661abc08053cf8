import type { PlanContext } from './context.ts';
import type { Plan } from './describe.ts';

/**
 * Risk benefit of a portfolio's distance from target: ½·γ·H·(w−t)ᵀΣ(w−t)·V, the certainty-equivalent
 * loss over H bars of holding w instead of t (Σ per-bar covariance). With `cov` null, Σ = diag(σ²).
 */
export function trackingLoss(
  w: Float64Array,
  t: Float64Array,
  cov: Float64Array | null,
  sigma: Float64Array,
  riskAversion: number,
  horizon: number,
  V: number,
): number {
  const n = t.length;
  let te2 = 0;
  if (cov === null) {
    for (let i = 0; i < n; i++) {
      const e = w[i]! - t[i]!;
      te2 += e * e * sigma[i]! * sigma[i]!;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const ei = w[i]! - t[i]!;
      if (ei === 0) continue;
      let row = 0;
      for (let j = 0; j < n; j++) row += cov[i * n + j]! * (w[j]! - t[j]!);
      te2 += ei * row;
    }
  }
  return 0.5 * riskAversion * horizon * te2 * V;
}

/**
 * The cost-aware benefit of a plan (issue #16): the drop of the tracking loss from before to after,
 * ½·γ·H·(w−t)ᵀΣ(w−t)·V − the same at w′ and V′, with the plan context's γ, H and σ (Σ = `cov` when the
 * trigger estimates one, else diag(σ²)): the quantity the `costaware` trigger and `auto` weigh against cost.
 */
export function planBenefit(
  ctx: PlanContext,
  plan: Pick<Plan, 'before' | 'after' | 'value' | 'valueAfter'>,
  target: Float64Array,
  cov: Float64Array | null,
): number {
  const n = ctx.u.n;
  const w0 = new Float64Array(n);
  const w1 = new Float64Array(n);
  ctx.u.assets.forEach((a, i) => {
    w0[i] = plan.before[a] ?? 0;
    w1[i] = plan.after[a] ?? 0;
  });
  const loss = (w: Float64Array, v: number) =>
    trackingLoss(w, target, cov, ctx.sigma, ctx.riskAversion, ctx.horizon, v);
  return loss(w0, plan.value) - loss(w1, plan.valueAfter);
}
