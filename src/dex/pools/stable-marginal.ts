/**
 * Float stable-swap (Curve / Balancer stable) invariant and marginal price, for the router's allocation.
 * Invariant: Ann·S + D = Ann·D + D^(n+1) / (n^n·P), with Ann = A·n^n, S the sum and P the product of balances.
 * Along the curve, -dy/dx = (Ann + K/x) / (Ann + K/y) with K = D^(n+1) / (n^n·P), evaluated after the trade.
 */

/** D by Newton's method in float (the same iteration as the contracts, without integer rounding). */
export function stableInvariantFloat(ann: number, balances: readonly number[]): number {
  const n = balances.length;
  const s = balances.reduce((a, b) => a + b, 0);
  if (s === 0) return 0;
  let d = s;
  for (let k = 0; k < 255; k++) {
    let dP = d;
    for (const b of balances) dP = (dP * d) / (b * n);
    const prev = d;
    d = ((ann * s + n * dP) * d) / ((ann - 1) * d + (n + 1) * dP);
    if (Math.abs(d - prev) <= 1e-15 * d) break;
  }
  return d;
}

/** Balance of token j that keeps the invariant D when the other balances are `balances` (j's entry ignored). */
export function stableBalanceFloat(ann: number, balances: readonly number[], d: number, j: number): number {
  const n = balances.length;
  let s = 0;
  let c = d;
  for (let k = 0; k < n; k++) {
    if (k === j) continue;
    s += balances[k];
    c = (c * d) / (balances[k] * n);
  }
  c = (c * d) / (ann * n);
  const b = s + d / ann;
  // y^2 + (b - D) y - c = 0, positive root in a cancellation-free form
  const m = d - b;
  const disc = Math.sqrt(m * m + 4 * c);
  return m >= 0 ? (m + disc) / 2 : (2 * c) / (disc - m);
}

/**
 * d(out)/d(in) at effective input xEff of token i (fee already removed, same units as balances), for output token j.
 * 0 when the trade would take all of token j.
 */
export function stableMarginal(
  ann: number,
  balances: readonly number[],
  d: number,
  i: number,
  j: number,
  xEff: number,
): number {
  const after = balances.slice();
  after[i] += xEff;
  const y = stableBalanceFloat(ann, after, d, j);
  if (!(y > 0)) return 0;
  after[j] = y;
  const n = after.length;
  // K = D^(n+1) / (n^n P), computed as a running ratio to stay in float range
  let k = d;
  for (const b of after) k = (k * d) / (b * n);
  return (ann + k / after[i]) / (ann + k / y);
}
