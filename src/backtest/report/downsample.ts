/**
 * Downsampling for the report's charts, so a 100,000-bar run still gives a small, fast file.
 * - Curves (equity, drawdown): min/max per bucket. The range is cut into ⌊max/2⌋ buckets and each
 *   keeps the bar of its lowest and of its highest value, in time order, plus the first and last bar:
 *   peaks and troughs (the worst drawdown) survive, and no curve has more than `max` points.
 * - Stacked areas (weights): a uniform stride shared by every asset (stacking needs common x values).
 * Chart values only: the metrics table always shows exact, full-resolution numbers.
 */

/** Indices to draw for one curve: all when it has ≤ max points, else min/max per bucket. */
export function minMaxIndices(values: ArrayLike<number>, max: number): number[] {
  const T = values.length;
  if (T <= max) return Array.from({ length: T }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((max - 2) / 2));
  const out: number[] = [0];
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor((b * (T - 2)) / buckets);
    const hi = 1 + Math.floor(((b + 1) * (T - 2)) / buckets);
    if (hi <= lo) continue;
    let iMin = lo;
    let iMax = lo;
    for (let i = lo + 1; i < hi; i++) {
      if (values[i] < values[iMin]) iMin = i;
      if (values[i] > values[iMax]) iMax = i;
    }
    if (iMin === iMax) out.push(iMin);
    else out.push(Math.min(iMin, iMax), Math.max(iMin, iMax));
  }
  out.push(T - 1);
  return out;
}

/** About `max` evenly spaced indices over 0…T−1, the first and last included. */
export function strideIndices(T: number, max: number): number[] {
  if (T <= max) return Array.from({ length: T }, (_, i) => i);
  const out: number[] = [];
  const step = (T - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(Math.round(k * step));
  return out;
}

/** Every k-th element (from the first) so that at most `max` remain. */
export function thin<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const k = Math.ceil(xs.length / max);
  return xs.filter((_, i) => i % k === 0);
}
