/**
 * The floor loop of issue #29: the least work a band backtest can do. A plain function over the engine's
 * own price columns (row-major bars × n, universe order) that per asset-bar only updates the drift
 * (value Σ qtyᵢ·pᵢ and weights), checks the band |wᵢ − tᵢ| > bᵢ and, on a breach, rebalances to the target
 * without fees. It keeps no metrics, records no trades and plans nothing; the engine's time is reported as
 * a ratio to it, measured in the same process, so the figure holds on a loaded machine.
 */
export function floorLoop(
  P: Float64Array,
  n: number,
  T: number,
  target: Float64Array,
  band: number,
  capital: number,
  qty: Float64Array,
  bars: Int32Array,
): number {
  // Bar 0: invest to the target, fee-less.
  for (let i = 0; i < n; i++) qty[i] = (target[i]! * capital) / P[i]!;
  let k = 0;
  for (let t = 1; t < T; t++) {
    const off = t * n;
    let v = 0;
    for (let i = 0; i < n; i++) v += qty[i]! * P[off + i]!;
    const inv = 1 / v;
    let breach = false;
    for (let i = 0; i < n; i++) {
      const d = qty[i]! * P[off + i]! * inv - target[i]!;
      if (d > band || -d > band) {
        breach = true;
        break;
      }
    }
    if (breach) {
      for (let i = 0; i < n; i++) qty[i] = (target[i]! * v) / P[off + i]!;
      bars[k++] = t;
    }
  }
  return k;
}
