/**
 * Helpers of TriggerKernel.scan: a backtest's quiet bars between rebalances, one tight loop per kernel
 * (no per-bar call through the kernel interface). Row `off` of a row-major bars × n price matrix, holdings
 * `qty` constant; the arithmetic is the per-bar path's: V = Σ qtyᵢ·pᵢ in entry order, wᵢ = (qtyᵢ·pᵢ)·(1/V).
 */

/**
 * V = Σ qtyᵢ·P[off + i], added in entry order. The loop is unrolled by four (the same additions in the same
 * order, so the same bits as one entry per iteration: scan.test.ts). V8's optimized code checks every typed
 * array's map, reloads its length and data pointer and checks for an interrupt at each iteration; four
 * entries per iteration do that once per four (issue #29: W4 1.24–1.31× → 1.11–1.14× its floor loop;
 * docs/benchmarks.md).
 */
export function rowValue(P: Float64Array, qty: Float64Array, off: number): number {
  const n = qty.length;
  let v = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    v += qty[i]! * P[off + i]!;
    v += qty[i + 1]! * P[off + i + 1]!;
    v += qty[i + 2]! * P[off + i + 2]!;
    v += qty[i + 3]! * P[off + i + 3]!;
  }
  for (; i < n; i++) v += qty[i]! * P[off + i]!;
  return v;
}

/** Whether some entry has |wᵢ − tᵢ| > bᵢ at row `off` (V given); firstAbsBreach's test. */
export function rowAbsBreach(
  P: Float64Array,
  qty: Float64Array,
  off: number,
  v: number,
  t: Float64Array,
  b: Float64Array,
): boolean {
  const inv = 1 / v;
  for (let i = 0; i < t.length; i++) {
    const d = qty[i]! * P[off + i]! * inv - t[i]!;
    if (Math.abs(d) > b[i]!) return true;
  }
  return false;
}

/**
 * rowAbsBreach when every entry has the same width `band` (no per-asset widths): the same test with the
 * width in a register instead of an array (a band backtest's quiet bars run ~10% faster), unrolled by four
 * as rowValue is (the entries tested in the same order, the same answer).
 */
export function rowAbsBreachUniform(
  P: Float64Array,
  qty: Float64Array,
  off: number,
  v: number,
  t: Float64Array,
  band: number,
): boolean {
  const inv = 1 / v;
  const n = t.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    if (
      Math.abs(qty[i]! * P[off + i]! * inv - t[i]!) > band ||
      Math.abs(qty[i + 1]! * P[off + i + 1]! * inv - t[i + 1]!) > band ||
      Math.abs(qty[i + 2]! * P[off + i + 2]! * inv - t[i + 2]!) > band ||
      Math.abs(qty[i + 3]! * P[off + i + 3]! * inv - t[i + 3]!) > band
    )
      return true;
  }
  for (; i < n; i++) {
    // |d| > band, the same answer as d > band || −d > band for every double (NaN: false), one test.
    const d = qty[i]! * P[off + i]! * inv - t[i]!;
    if (Math.abs(d) > band) return true;
  }
  return false;
}

/** The one width of every entry of `b`, or NaN when they differ (rowAbsBreachUniform then does not apply). */
export function uniformWidth(b: Float64Array): number {
  for (let i = 1; i < b.length; i++) if (b[i] !== b[0]) return Number.NaN;
  return b.length > 0 ? b[0]! : Number.NaN;
}

/** Whether some entry has |wᵢ − tᵢ|/tᵢ > rᵢ (rᵢ = ∞ untested); firstRelBreach's test. */
export function rowRelBreach(
  P: Float64Array,
  qty: Float64Array,
  off: number,
  v: number,
  t: Float64Array,
  r: Float64Array,
): boolean {
  const inv = 1 / v;
  for (let i = 0; i < t.length; i++) {
    if (r[i] === Number.POSITIVE_INFINITY) continue;
    const d = (qty[i]! * P[off + i]! * inv - t[i]!) / t[i]!;
    if (d > r[i]! || -d > r[i]!) return true;
  }
  return false;
}
