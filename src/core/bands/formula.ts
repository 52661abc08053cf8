/**
 * The no-trade band of a target weight under proportional costs (Janeček & Shreve 2004, Rogers 2004),
 * shared by the `optband` trigger and `ballast advise` (docs/bands.md).
 *
 * For a weight deviation x = w − w* with variance rate s² a year, a tracking penalty (κ/2)·x² a year and a
 * cost c per unit of weight traded, the asymptotically optimal policy trades to the edge of |x| ≤ h with
 *
 *   h = (3·c·s² / (2κ))^(1/3).
 *
 * Every function here is pure and allocates nothing.
 */

/** h = (3·c·s²/(2κ))^(1/3); s² and κ in the same time unit (a year); 0 when c or s² is 0. */
export function optimalHalfWidth(c: number, s2: number, kappa: number): number {
  return Math.cbrt((3 * c * s2) / (2 * kappa));
}

/** The factor of (s²)^(1/3) in h: (3c/(2κ))^(1/3). */
export function widthFactor(c: number, kappa: number): number {
  return Math.cbrt((3 * c) / (2 * kappa));
}

/**
 * Cost per unit of weight traded at half-width h, for an asset with proportional rate `rate` (fee +
 * half-spread) and square-root impact coefficient k (cost(q) = rate·q + k·q^{3/2}, q the notional): the
 * trade at the edge moves about h of the weight, q = h·V, so c = rate + k·√(h·V). h and c depend on each
 * other: h = (3c(h)s²/(2κ))^(1/3) is solved by fixed-point iteration from the impact-free width (the map
 * is a contraction: its slope is at most 1/6 at the fixed point). Returns h; without impact one step.
 */
export function halfWidthWithImpact(rate: number, k: number, value: number, s2: number, kappa: number): number {
  let h = optimalHalfWidth(rate, s2, kappa);
  if (k === 0 || !(value > 0) || !(s2 > 0)) return h;
  if (h === 0) h = Math.cbrt((3 * k * Math.sqrt(value) * s2) / (2 * kappa)) ** (6 / 5); // rate 0: c = k√(hV)
  for (let it = 0; it < 60; it++) {
    const next = optimalHalfWidth(rate + k * Math.sqrt(h * value), s2, kappa);
    if (Math.abs(next - h) <= 1e-12 * h) return next;
    h = next;
  }
  return h;
}

/**
 * Variance rate of one entry's weight per bar: s²ᵢ = w*ᵢ²·Var(rᵢ − r_p), r_p = Σⱼ w*ⱼrⱼ, from per-bar
 * volatilities σ (forecasts; 0 for the quote) and correlations ρ (n×n row-major) of the entries:
 * Σᵢⱼ = ρᵢⱼσᵢσⱼ, Var(rᵢ − r_p) = Σᵢᵢ − 2(Σw*)ᵢ + w*ᵀΣw*. `m` is caller-owned scratch of length n;
 * the result goes to `out`.
 */
export function weightVariances(
  sigma: Float64Array,
  rho: Float64Array,
  target: Float64Array,
  m: Float64Array,
  out: Float64Array,
): void {
  const n = target.length;
  let p = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const si = sigma[i]!;
    for (let j = 0; j < n; j++) s += rho[i * n + j]! * si * sigma[j]! * target[j]!;
    m[i] = s;
    p += target[i]! * s;
  }
  for (let i = 0; i < n; i++) {
    const si = sigma[i]!;
    const v = si * si - 2 * m[i]! + p;
    const t = target[i]!;
    out[i] = v > 0 ? t * t * v : 0;
  }
}

/**
 * The fixed-cost rule: the expected benefit, in the quote, of a rebalance now. An entry's deviation d
 * costs (κ/2)·d²·V a year in tracking; rebalancing removes it until the next breach of the band, which a
 * deviation restarted at 0 reaches after h²/s² years on average (Brownian motion with variance rate s²
 * leaving [−h, h]). So the benefit is B = V·(κ/2)·Σᵢ dᵢ²·hᵢ²/s²ᵢ (entries with s² = 0 or an infinite
 * band left out); the trigger fires only when B exceeds the fixed cost of the rebalance.
 */
export function rebalanceBenefit(
  w: Float64Array,
  target: Float64Array,
  h: Float64Array,
  s2year: Float64Array,
  kappa: number,
  value: number,
): number {
  let b = 0;
  for (let i = 0; i < target.length; i++) {
    const s2 = s2year[i]!;
    const hi = h[i]!;
    if (!(s2 > 0) || !(hi < Number.POSITIVE_INFINITY)) continue;
    const d = w[i]! - target[i]!;
    b += (d * d * hi * hi) / s2;
  }
  return 0.5 * kappa * value * b;
}
