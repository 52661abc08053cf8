/**
 * The dual of the joint routing problem (issue #18; Angeris et al. 2022, Diamandis et al. 2023).
 * Primal: maximise t such that the pools' net flows Ψ give Ψ_s ≥ −sell_s, Ψ_h ≥ 0 for intermediate tokens and
 * Ψ_b ≥ t·target_b for bought tokens. Dual, for prices ν ≥ 0 with Σ_b target_b·ν_b = 1:
 *   h(ν) = Σ_s ν_s·sell_s + Σ_i f_i(ν),   f_i(ν) = max profit of arbitraging pool i at prices ν,
 * an upper bound on t for every ν, equal to the optimum at the minimiser; ∇h = sell + Ψ(ν). Each pool solves its
 * own subproblem: for each allowed pair, trade in the profitable direction until its marginal equals the price
 * ratio (curve.inputAt); a multi-token pool trades its one most profitable pair (one swap per pool).
 */
import type { Slope } from './curve.ts';
import type { Problem } from './problem.ts';

export interface Flows {
  /** Per problem pool: pool-token index in and out (-1: no trade), float input and output. */
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Arbitrage profit f_i(ν) (in units of V). */
  readonly profit: Float64Array;
}

export function newFlows(n: number): Flows {
  return {
    a: new Int32Array(n).fill(-1),
    b: new Int32Array(n).fill(-1),
    x: new Float64Array(n),
    y: new Float64Array(n),
    profit: new Float64Array(n),
  };
}

const slope: Slope = { dxdp: 0 };

/**
 * An idle pool (its price ratio inside its fee band) has no curvature, so a Newton model would not see it start
 * trading one step later and overshoot. Near a band edge its curvature at zero size is added, faded by the
 * distance to the edge (exp(−distance/fade), `fade` a width in log price, shrunk by the solver as it converges): the model is conservative there and exact far from any edge.
 */
function phantom(p: Problem['pools'][number], nu: Float64Array, hess: Float64Array, L: number, fade: number): void {
  for (let q = 0; q < p.pairs.length; q += 2)
    for (let dir = 0; dir < 2; dir++) {
      const a = p.pairs[q + dir]!;
      const b = p.pairs[q + 1 - dir]!;
      const ia = p.loc[a]!;
      const ib = p.loc[b]!;
      const na = nu[ia]!;
      const nb = nu[ib]!;
      const c = p.mp.curves[a]![b]!;
      if (!(c.spot > 0)) continue;
      const dist = Math.log(na / nb / c.spot);
      if (!(dist >= 0) || dist > 20 * fade) continue;
      if (!(c.dxdp0 < 0)) continue;
      const w = (-c.dxdp0 / nb) * Math.exp(-dist / fade);
      const r = na / nb;
      hess[ia * L + ia] = hess[ia * L + ia]! + w;
      hess[ia * L + ib] = hess[ia * L + ib]! - w * r;
      hess[ib * L + ia] = hess[ib * L + ia]! - w * r;
      hess[ib * L + ib] = hess[ib * L + ib]! + w * r * r;
    }
}

/**
 * h(ν); writes ∇h = sell + Ψ into grad, the pools' responses into flows and, when `hess` (L×L, row-major) is
 * given, adds ∇²h: a pool trading x = X(ν_a/ν_b) of a for y of b contributes the rank-one block
 * −X'·[1/ν_b, −ν_a/ν_b²; −ν_a/ν_b², ν_a²/ν_b³] (dy = p·dx at the optimum).
 */
export function dualValue(
  pr: Problem,
  nu: Float64Array,
  grad: Float64Array,
  flows: Flows,
  hess?: Float64Array,
  fade = 0,
): number {
  const L = nu.length;
  let h = 0;
  for (let i = 0; i < nu.length; i++) {
    h += nu[i]! * pr.sell[i]!;
    grad[i] = pr.sell[i]!;
  }
  for (let k = 0; k < pr.pools.length; k++) {
    const p = pr.pools[k]!;
    let best = 0;
    let ba = -1;
    let bb = -1;
    let bx = 0;
    let by = 0;
    let bd = 0;
    for (let q = 0; q < p.pairs.length; q += 2) {
      for (let dir = 0; dir < 2; dir++) {
        const a = p.pairs[q + dir]!;
        const b = p.pairs[q + 1 - dir]!;
        const na = nu[p.loc[a]!]!;
        const nb = nu[p.loc[b]!]!;
        const c = p.mp.curves[a]![b]!;
        const price = na / nb;
        if (!(c.spot > price)) continue;
        const x = c.inputAt(price, slope);
        if (!(x > 0)) continue;
        const y = c.outAt(x);
        const prof = nb * y - na * x;
        if (prof > best) {
          best = prof;
          ba = a;
          bb = b;
          bx = x;
          by = y;
          bd = slope.dxdp;
        }
      }
    }
    if (hess && ba < 0 && fade > 0) phantom(p, nu, hess, L, fade);
    flows.a[k] = ba;
    flows.b[k] = bb;
    flows.x[k] = bx;
    flows.y[k] = by;
    flows.profit[k] = best;
    if (ba >= 0) {
      h += best;
      grad[p.loc[ba]!] = grad[p.loc[ba]!]! - bx;
      grad[p.loc[bb]!] = grad[p.loc[bb]!]! + by;
      if (hess && bd < 0) {
        const ia = p.loc[ba]!;
        const ib = p.loc[bb]!;
        const na = nu[ia]!;
        const nb = nu[ib]!;
        const w = -bd / nb;
        const r = na / nb;
        hess[ia * L + ia] = hess[ia * L + ia]! + w;
        hess[ia * L + ib] = hess[ia * L + ib]! - w * r;
        hess[ib * L + ia] = hess[ib * L + ia]! - w * r;
        hess[ib * L + ib] = hess[ib * L + ib]! + w * r * r;
      }
    }
  }
  return h;
}
