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
