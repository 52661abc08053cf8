/**
 * One band test per bar for every sweep config of one width (issue #29): a sweep runs the same absolute band
 * at 20 fees, and a full rebalance leaves each of those portfolios at the target's proportions whatever its
 * fee. Portfolios at the target's proportions since the same bar have, exactly, the same weights on every
 * later bar; computed weights differ by rounding only. So one reference run (fee-less, full rebalances)
 * classifies each bar once, and a config "in step" with it reads the class instead of testing the band:
 *
 * - CLEAR: every |dᵢ| of the reference is below the width by EPS or more: no in-step config breaches;
 * - BREACH: some |dᵢ| exceeds the width by more than EPS: every in-step config breaches (the same bar);
 * - NEAR_CLEAR / NEAR_BREACH: within EPS (or the value fell below 1/RATIO of its last rebalance's): each
 *   config tests its own band; one whose answer differs from the reference's (the NEAR_ kind) is out of
 *   step from then on and tests every bar itself.
 *
 * A config is in step from bar 0 and stays so while, after each of its rebalances (all at the reference's
 * bars), its holdings are the target's proportions within ETA: |qᵢpᵢ − tᵢV′| ≤ ETA·tᵢV′ (tᵢ > 0) and
 * |qᵢpᵢ| ≤ ETA·V′ (tᵢ = 0; only the quote, at price 1, may have tᵢ = 0: trackable()). Then its exact weights
 * differ from the reference's by at most 2·ETA + ETA·R, R = (value at the last rebalance) / (value now)
 * ≤ RATIO, and each computed dᵢ from the exact one by < 1e-13: 2e-12 + 1e-10 + 1e-13 < EPS = 1e-9 (10×
 * margin). Every number a config computes is the one it would compute alone: only the band test is skipped,
 * on bars where its answer is proven (test/backtest/fast-paths.test.ts checks with Object.is).
 */
export const CLEAR = 0;
export const BREACH = 1;
export const NEAR_CLEAR = 2;
export const NEAR_BREACH = 3;

const EPS = 1e-9;
export const ETA = 1e-12;
const RATIO = 100;

/**
 * Whether a data set's universe allows tracks: every entry with a zero target is the quote, whose prices
 * are all 1 (prepareData's quote column).
 */
export function trackable(prices: Float64Array, target: Float64Array, quoteIndex: number): boolean {
  const n = target.length;
  for (let i = 0; i < n; i++) if (!(target[i]! > 0) && i !== quoteIndex) return false;
  if (target[quoteIndex]! > 0) return true;
  for (let off = quoteIndex; off < prices.length; off += n) if (prices[off] !== 1) return false;
  return true;
}

/** The reference run's class of every bar (bar 0: CLEAR, unused) for an absolute band `width`. */
export function bandTrack(prices: Float64Array, target: Float64Array, width: number): Uint8Array {
  const n = target.length;
  const T = prices.length / n;
  const cls = new Uint8Array(T);
  const qty = new Float64Array(n);
  for (let i = 0; i < n; i++) qty[i] = target[i]! / prices[i]!;
  let last = 1;
  const hi = width + EPS;
  const lo = width - EPS;
  for (let t = 1; t < T; t++) {
    const off = t * n;
    let v = 0;
    for (let i = 0; i < n; i++) v += qty[i]! * prices[off + i]!;
    const inv = 1 / v;
    // The reference's own test (any |dᵢ| > width), and whether any |dᵢ| is within EPS of the width; an
    // entry beyond width + EPS settles the bar (every in-step run breaches), so the scan stops there.
    let breach = false;
    let far = false;
    let near = false;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(qty[i]! * prices[off + i]! * inv - target[i]!);
      if (a > lo) {
        if (a > width) breach = true;
        if (a > hi) {
          far = true;
          break;
        }
        near = true;
      }
    }
    const sure = Number.isFinite(v) && v * RATIO >= last;
    cls[t] = sure && far ? BREACH : sure && !near && !breach ? CLEAR : breach ? NEAR_BREACH : NEAR_CLEAR;
    if (breach) {
      for (let i = 0; i < n; i++) qty[i] = (target[i]! * v) / prices[off + i]!;
      last = v;
    }
  }
  return cls;
}

/** Whether holdings `qty` at prices `px` (value v) are the target's proportions within ETA (see above). */
export function inStep(qty: Float64Array, px: Float64Array, target: Float64Array, v: number): boolean {
  for (let i = 0; i < qty.length; i++) {
    const h = qty[i]! * px[i]!;
    const want = target[i]! * v;
    const e = h - want;
    const tol = ETA * (want > 0 ? want : v);
    if (!(e <= tol && -e <= tol)) return false;
  }
  return true;
}
