import { type CostModel, orderCost } from '../costs.ts';

/**
 * Desired signed notionals for the `edge` plan into `d`: every non-quote entry outside its band moves to
 * the nearer band edge (tᵢ ± bᵢ, weights measured on the pre-trade value V); the quote takes the cash
 * flow and the costs. If the quote then sits outside its own band, the non-quote holdings are moved
 * pro rata (to their post-edge holdings) until the quote sits on its nearer edge. `halfWidth` holds each
 * entry's absolute band (relband r → r·tᵢ); a non-finite width means no band (no trade).
 */
export function edgeNotionals(
  m: CostModel,
  t: Float64Array,
  halfWidth: Float64Array,
  h: Float64Array,
  q: number,
  V: number,
  d: Float64Array,
): void {
  const n = t.length;
  d.fill(0);
  if (V <= 0) return;
  for (let i = 0; i < n; i++) {
    if (i === q) continue;
    const b = halfWidth[i]!;
    if (!Number.isFinite(b)) continue;
    const w = h[i]! / V;
    if (w > t[i]! + b) d[i] = (t[i]! + b - w) * V;
    else if (w < t[i]! - b) d[i] = (Math.max(0, t[i]! - b) - w) * V;
  }
  const bq = halfWidth[q]!;
  if (!Number.isFinite(bq)) return;
  // Move the quote onto its nearer edge: a few fixed-point rounds, since costs depend on the trades.
  let edgeW = Number.NaN;
  for (let round = 0; round < 8; round++) {
    let flow = 0;
    let cost = 0;
    let held = 0;
    for (let i = 0; i < n; i++) {
      if (i === q) continue;
      flow += d[i]!;
      cost += orderCost(m, i, d[i]!, d[i]! < 0 ? -1 : 1);
      held += h[i]! + d[i]!;
    }
    const wq = (h[q]! - flow - cost) / V;
    // The edge is chosen once, on the first round: later rounds correct the costs of the pro-rata trades,
    // which would otherwise leave the quote just inside its band instead of on the edge.
    if (Number.isNaN(edgeW)) {
      if (wq > t[q]! + bq) edgeW = t[q]! + bq;
      else if (wq < t[q]! - bq) edgeW = Math.max(0, t[q]! - bq);
      else return;
    }
    const excess = (wq - edgeW) * V;
    if (Math.abs(excess) <= 1e-13 * V) return;
    if (held > 0) {
      for (let i = 0; i < n; i++) if (i !== q) d[i] = d[i]! + (excess * (h[i]! + d[i]!)) / held;
    } else {
      let tw = 0;
      for (let i = 0; i < n; i++) if (i !== q) tw += t[i]!;
      if (tw <= 0) return;
      for (let i = 0; i < n; i++) if (i !== q) d[i] = d[i]! + (excess * t[i]!) / tw;
    }
  }
}
