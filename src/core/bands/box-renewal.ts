/**
 * A full rebalance at a common band, for several assets at once (`ballast advise` with a fixed cost per
 * rebalance, docs/bands.md). Each asset's weight deviation xᵢ is a Brownian motion with variance rate s²ᵢ,
 * the deviations independent; all restart at 0 when the first of them reaches ±h (one rebalance, one fixed
 * cost, every asset traded back). Counting each asset's breaches as rebalances of their own overstates the
 * rebalances and the tracking loss when several assets share one rebalance; this computes them exactly.
 *
 * Everything scales with h: with y = x/h and time t/h², the box is [−1, 1]ᵐ. For the unit box this returns
 *   tau    E[T], the mean time between rebalances (years for s² a year): E[T] = h²·tau;
 *   iota   E ∫₀ᵀ yᵢ² dt per cycle: the time-average of xᵢ² is h²·iotaᵢ/tau;
 *   theta  E|yᵢ(T)| per cycle, the weight of asset i traded at a rebalance: h·thetaᵢ.
 * With one asset: tau = 1/s², iota = tau/6, theta = 1 (the closed forms the tests check).
 *
 * Method: the survival of one coordinate in [−1, 1] from 0 and its moments while alive are eigenfunction
 * series (k odd, λₖ = k²π²s²/8): S(t) = Σ (4/π)(−1)ʲ/k·e^{−λₖt}, E[y²; alive] = Σ 2(−1)ʲ(1/aₖ − 2/aₖ³)e^{−λₖt},
 * E[|y|; alive] = Σ 2((−1)ʲ/aₖ − 1/aₖ²)e^{−λₖt}, aₖ = kπ/2, k = 2j + 1; for s²t < 0.02 the coordinate has
 * not left (probability < 10⁻¹¹) and the small-time forms 1, s²t and √(2s²t/π) are used, where the series
 * converge slowly. The cycle's expectations are integrals over t of products of these (independence),
 * by Simpson's rule. Pure; the cost is m·N·23 exponentials (N = 4,000 points).
 */

const SMALL = 0.02;
const TERMS = 23; // k = 1, 3, …, 45: λₖ·(0.02/s²) ≥ 50 beyond, e^{−50} negligible
const POINTS = 4000;

export interface BoxRenewal {
  readonly tau: number;
  readonly iota: readonly number[];
  readonly theta: readonly number[];
}

interface Coordinate {
  survival: number;
  exitRate: number;
  second: number;
  absolute: number;
}

/** One coordinate with variance rate s2 at time t (unit box, started at 0). */
function coordinate(s2: number, t: number, out: Coordinate): void {
  if (s2 * t < SMALL) {
    out.survival = 1;
    out.exitRate = 0;
    out.second = s2 * t;
    out.absolute = Math.sqrt((2 * s2 * t) / Math.PI);
    return;
  }
  let S = 0;
  let f = 0;
  let q = 0;
  let a = 0;
  for (let j = 0; j < TERMS; j++) {
    const k = 2 * j + 1;
    const sign = j % 2 === 0 ? 1 : -1;
    const lambda = (k * k * Math.PI * Math.PI * s2) / 8;
    const e = Math.exp(-lambda * t);
    const b = ((4 / Math.PI) * sign) / k;
    const ak = (k * Math.PI) / 2;
    S += b * e;
    f += b * lambda * e;
    q += 2 * sign * (1 / ak - 2 / (ak * ak * ak)) * e;
    a += 2 * (sign / ak - 1 / (ak * ak)) * e;
  }
  out.survival = S;
  out.exitRate = f;
  out.second = q;
  out.absolute = a;
}

/** tau, iota and theta of the unit box for variance rates s2 (each > 0). */
export function boxRenewal(s2: readonly number[]): BoxRenewal {
  const m = s2.length;
  const live = s2.filter((x) => x > 0);
  if (live.length === 0) return { tau: Number.POSITIVE_INFINITY, iota: s2.map(() => 0), theta: s2.map(() => 0) };
  // Σ λ₁ bounds the decay of the product of survivals: e^{−40} of it is beyond the horizon.
  const decay = live.reduce((x, y) => x + (Math.PI * Math.PI * y) / 8, 0);
  const end = 40 / decay;
  const dt = end / POINTS;
  const c: Coordinate[] = s2.map(() => ({ survival: 1, exitRate: 0, second: 0, absolute: 0 }));
  let tau = 0;
  const iota = new Array<number>(m).fill(0);
  const theta = new Array<number>(m).fill(0);
  for (let p = 0; p <= POINTS; p++) {
    const t = p * dt;
    for (let i = 0; i < m; i++) coordinate(s2[i]!, t, c[i]!);
    const w = (p === 0 || p === POINTS ? 1 : p % 2 === 1 ? 4 : 2) * (dt / 3);
    let all = 1;
    for (let i = 0; i < m; i++) all *= c[i]!.survival;
    tau += w * all;
    for (let i = 0; i < m; i++) {
      const others = productExcept(c, i, -1);
      iota[i]! += w * c[i]!.second * others;
      // Asset i leaves first: it is traded by the full band (1 in the unit box).
      theta[i]! += w * c[i]!.exitRate * others;
      // Another asset l leaves first: i is traded by |yᵢ(T)|, i still inside.
      for (let l = 0; l < m; l++) {
        if (l === i) continue;
        theta[i]! += w * c[l]!.exitRate * productExcept(c, i, l) * c[i]!.absolute;
      }
    }
  }
  return { tau, iota, theta };
}

function productExcept(c: readonly Coordinate[], i: number, l: number): number {
  let p = 1;
  for (let j = 0; j < c.length; j++) if (j !== i && j !== l) p *= c[j]!.survival;
  return p;
}
