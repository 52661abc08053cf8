/** Valuation and drift over universe-ordered columns. Allocation-free forms write into `out`. */

/** Σ qᵢpᵢ. */
export function portfolioValue(qty: ArrayLike<number>, prices: ArrayLike<number>, n = qty.length): number {
  let v = 0;
  for (let i = 0; i < n; i++) v += qty[i]! * prices[i]!;
  return v;
}

/** wᵢ = qᵢpᵢ / Σⱼqⱼpⱼ into `out`; returns the value. An empty portfolio has all weights 0. */
export function weightsInto(qty: ArrayLike<number>, prices: ArrayLike<number>, out: Float64Array): number {
  const n = out.length;
  const v = portfolioValue(qty, prices, n);
  const inv = v > 0 ? 1 / v : 0;
  for (let i = 0; i < n; i++) out[i] = qty[i]! * prices[i]! * inv;
  return v;
}

/** Absolute drift wᵢ − tᵢ. */
export function absoluteDrift(w: number, t: number): number {
  return w - t;
}

/** Relative drift (wᵢ − tᵢ)/tᵢ (NaN for a zero target). */
export function relativeDrift(w: number, t: number): number {
  return t === 0 ? Number.NaN : (w - t) / t;
}

/** Portfolio drift √Σ(wᵢ − tᵢ)². */
export function portfolioDrift(w: ArrayLike<number>, t: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) {
    const d = w[i]! - t[i]!;
    s += d * d;
  }
  return Math.sqrt(s);
}
