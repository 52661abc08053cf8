import { type CostModel, orderCost } from '../costs.ts';

/**
 * How far inside its band edge an `edge` plan aims an entry: 1 bp of weight, plus the value of one lot
 * step of every entry where there are lot steps (rounding toward zero loses up to a lot of each, and the
 * quote and the buys it funds take that; the 1 bp remains), never past the target.
 */
export const EDGE_MARGIN = 1e-4;

/**
 * Desired signed notionals for the `edge` plan into `d` (issue #16 item 2). Weights are measured on the
 * post-trade, post-cost value V′ = V − C(d), the value the trigger sees next at the same prices, so that
 * after the plan every entry is inside its band and the trigger does not fire again:
 *
 * 1. every non-quote entry outside its band [max(0, tᵢ − bᵢ), tᵢ + bᵢ] on V′ moves to its aim, the nearer
 *    edge moved inside by m = EDGE_MARGIN + Σⱼ lotⱼ/V (`lotValue` = lot step × price), but never past
 *    the target tᵢ;
 * 2. the quote takes the cash flow and the costs; if it then sits outside its own band (or below 0), the non-quote
 *    holdings are moved pro rata (to their post-step-1 holdings; to their targets if none are held), each
 *    only as far as its own aim, until the quote sits on its aim;
 * 3. V′ = V − C(d) is found by a few fixed-point rounds (costs are small next to V); an entry moved in
 *    one round stays moved.
 *
 * `halfWidth` holds each entry's absolute band (relband r → r·tᵢ); a non-finite width means no band (no
 * trade). `scratch` (length ≥ n, optional) holds each entry's aim; without it one is allocated.
 */
export function edgeNotionals(
  m: CostModel,
  t: Float64Array,
  halfWidth: Float64Array,
  h: Float64Array,
  q: number,
  V: number,
  d: Float64Array,
  lotValue: Float64Array | null = null,
  scratch: Float64Array | null = null,
): void {
  const n = t.length;
  d.fill(0);
  if (!(V > 0)) return;
  const aim = scratch ?? new Float64Array(n);
  aim.fill(Number.NaN);
  // Rounding toward zero loses up to a lot of each entry; the quote takes that, and the cash it leaves
  // short trims buys: every aim holds 1 bp plus one lot of every entry.
  let lots = 0;
  if (lotValue !== null) for (let i = 0; i < n; i++) if (i !== q) lots += lotValue[i]!;
  const m0 = EDGE_MARGIN + lots / V;
  let vp = V;
  for (let round = 0; round < 8; round++) {
    // Step 1: entries outside their band on V′ go to their aim (once moved, always moved).
    for (let i = 0; i < n; i++) {
      if (i === q) continue;
      const b = halfWidth[i]!;
      if (!Number.isFinite(b)) continue;
      const w = h[i]! / vp;
      if (Number.isNaN(aim[i]!)) {
        // Out of band exactly as the band trigger computes it (firstAbsBreach): |w − t| > b.
        if (w - t[i]! > b) aim[i] = Math.max(t[i]!, t[i]! + b - m0);
        else if (t[i]! - w > b) aim[i] = Math.min(t[i]!, Math.max(0, t[i]! - b) + m0);
      }
      d[i] = Number.isNaN(aim[i]!) ? 0 : aim[i]! * vp - h[i]!;
    }
    // Step 2: the quote onto its aim, pro rata within each entry's room.
    const bq = halfWidth[q]!;
    let edgeW = Number.NaN;
    // A few passes: the pro-rata trades pay costs too, out of the quote.
    for (let pass = 0; pass < 8 && Number.isFinite(bq); pass++) {
      const wq = (h[q]! - flowOf(d, q) - costOf(m, d, q)) / vp;
      // The quote takes every rounding and cost, so it is held to its aims, not its edges: a quote
      // inside its band but within the margin of an edge is moved too. Cash is never aimed at 0 (the
      // cash check would scale every trade away on a rounding error).
      if (pass === 0) {
        const hi = Math.max(t[q]!, t[q]! + bq - m0);
        const lo = Math.min(t[q]! + bq, Math.max(0, t[q]! - bq) + m0);
        const moved = trades(d, q);
        if (wq - t[q]! > bq || (moved && wq > hi)) edgeW = hi;
        else if (t[q]! - wq > bq || wq < 0 || (moved && wq < lo)) edgeW = lo;
        else break;
      }
      const excess = (wq - edgeW) * vp;
      if (Math.abs(excess) <= 1e-13 * V) break;
      if (!shiftProRata(t, halfWidth, h, q, vp, d, excess, m0)) break;
    }
    const next = V - costOf(m, d, q);
    if (Math.abs(next - vp) <= 1e-13 * V) return;
    vp = next;
  }
}

/** Whether any non-quote entry trades. */
function trades(d: Float64Array, q: number): boolean {
  for (let i = 0; i < d.length; i++) if (i !== q && d[i] !== 0) return true;
  return false;
}

function flowOf(d: Float64Array, q: number): number {
  let flow = 0;
  for (let i = 0; i < d.length; i++) if (i !== q) flow += d[i]!;
  return flow;
}

function costOf(m: CostModel, d: Float64Array, q: number): number {
  let cost = 0;
  for (let i = 0; i < d.length; i++) if (i !== q && d[i] !== 0) cost += orderCost(m, i, d[i]!, d[i]! < 0 ? -1 : 1);
  return cost;
}

/**
 * Buys (excess > 0) or sells (< 0) `excess` of non-quote entries, pro rata to their holdings after `d`
 * (to their targets when none are held), none beyond its aim inside its band edge: water-filling, each
 * step moving every entry that still has room by the same fraction of its share until one reaches its
 * aim or nothing is left. The costs of these trades are corrected by the caller's next pass. False when
 * nothing could move.
 */
function shiftProRata(
  t: Float64Array,
  halfWidth: Float64Array,
  h: Float64Array,
  q: number,
  vp: number,
  d: Float64Array,
  excess: number,
  margin: number,
): boolean {
  const n = t.length;
  const sign = excess > 0 ? 1 : -1;
  const eps = 1e-12 * vp;
  let left = Math.abs(excess);
  const room = (i: number) => {
    const b = halfWidth[i]!;
    if (!Number.isFinite(b)) return Number.POSITIVE_INFINITY;
    const now = h[i]! + d[i]!;
    const limit =
      sign > 0 ? Math.max(t[i]!, t[i]! + b - margin) * vp : Math.min(t[i]!, Math.max(0, t[i]! - b) + margin) * vp;
    const r = sign > 0 ? limit - now : now - limit;
    return r > eps ? r : 0;
  };
  let movedAny = false;
  const open: number[] = [];
  const shares: number[] = [];
  for (let step = 0; step < n && left > eps; step++) {
    open.length = 0;
    shares.length = 0;
    let held = 0;
    let tw = 0;
    for (let i = 0; i < n; i++) {
      if (i === q || room(i) === 0) continue;
      open.push(i);
      held += h[i]! + d[i]!;
      tw += t[i]!;
    }
    if (held <= 0 && tw <= 0) break;
    for (const i of open) shares.push(held > 0 ? (h[i]! + d[i]!) / held : t[i]! / tw);
    // The most every open entry can take at its share: until the first reaches its aim, or all is moved.
    let lambda = left;
    open.forEach((i, k) => {
      if (shares[k]! > 0) lambda = Math.min(lambda, room(i) / shares[k]!);
    });
    let moved = 0;
    open.forEach((i, k) => {
      const x = lambda * shares[k]!;
      d[i] = d[i]! + sign * x;
      moved += x;
    });
    if (!(moved > 0)) break;
    movedAny = true;
    left -= moved;
  }
  return movedAny;
}
