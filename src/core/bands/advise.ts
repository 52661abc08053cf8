/**
 * `ballast advise`'s model (docs/bands.md, "advise"): the expected net benefit of rebalancing a year
 * against a common half-width h, the best h, and the range of portfolio values where rebalancing pays.
 * Per non-quote asset i: weight variance rate s²ᵢ a year (the optband estimator's), proportional cost cᵢ
 * per unit of weight traded and square-root impact kᵢ (the cost model's: a trade of q costs cᵢq + kᵢq^{3/2},
 * taken, as the optband trigger takes it, at a trade of h·V: cᵢ(h, V) = cᵢ + kᵢ√(hV)); κ the tracking
 * penalty; F the fixed cost of one rebalance in the quote; V the portfolio value.
 *
 * The benefit is measured against not rebalancing for a year from the target: the deviation then has
 * E x² = s²t, a tracking loss of (κ/2)·s²/2 a year. Two policies (each deviation a Brownian motion):
 *  - F = 0, trade to the edge (optband's default): x is uniform on [−h, h], E x² = h²/3, and the weight
 *    traded a year is s²/(2h) (the local time at the edges). Per year
 *      net(h) = V·Σᵢ [(κ/2)(s²ᵢ/2 − h²/3) − cᵢ(h, V)·s²ᵢ/(2h)].
 *  - F > 0, a full rebalance of every asset when the first deviation reaches ±h (every rebalance pays F,
 *    so edge trading, which trades without end, never pays). With the box renewal of the deviations
 *    (box-renewal.ts: tau, iotaᵢ, thetaᵢ; one asset: 1/s², tau/6, 1), a rebalance every h²·tau years,
 *    E xᵢ² = h²·iotaᵢ/tau, and h·thetaᵢ of asset i traded at each:
 *      net(h) = V·Σᵢ [(κ/2)(s²ᵢ/2 − h²·iotaᵢ/tau) − cᵢ(h, V)·thetaᵢ/(h·tau)] − F/(h²·tau).
 * Without impact net(h) = V·a(h) − F·r(h): rebalancing at h pays when V > F·r(h)/a(h), and the least such V
 * over h is closed-form. Impact makes the cost grow as V^{3/2}, so large portfolios may stop paying too: the
 * paying values are then found on a grid of V (10 a decade, 10⁻²…10¹⁵) refined by bisection.
 */
import { type BoxRenewal, boxRenewal } from './box-renewal.ts';
import { optimalHalfWidth } from './formula.ts';
import { bisectLog, maximise } from './maximise.ts';

export interface AdviseInput {
  readonly value: number;
  readonly kappa: number;
  readonly fixedCost: number;
  /** Per asset: weight variance rate a year, proportional cost per unit of weight traded, impact k. */
  readonly s2: readonly number[];
  readonly c: readonly number[];
  readonly impactK?: readonly number[];
}

export interface AdvisePoint {
  readonly halfWidth: number;
  /** Tracking loss avoided, costs paid, and their difference, in the quote a year. */
  readonly harvest: number;
  readonly cost: number;
  readonly netBenefit: number;
}

export interface Advice {
  readonly policy: 'edge' | 'full';
  /** The trigger's formula band per asset (without impact). */
  readonly formulaBands: readonly number[];
  readonly curve: readonly AdvisePoint[];
  readonly best: AdvisePoint;
  /** The value below which no band pays (0: every small value pays; null: no value pays). */
  readonly breakEvenValue: number | null;
  /** The value above which no band pays any more (impact); null: none up to 10¹⁵ (or no value pays). */
  readonly ceilingValue: number | null;
}

export const ADVISE_MIN_WIDTH = 1e-4;
export const ADVISE_MAX_WIDTH = 0.5;
const V_LO = 1e-2;
const V_HI = 1e15;

/** The model of one input: net benefit a year at half-width h and value V. */
class Model {
  readonly edge: boolean;
  readonly impact: boolean;
  private readonly box: BoxRenewal | null;
  constructor(readonly x: AdviseInput) {
    this.edge = x.fixedCost === 0;
    this.impact = (x.impactK ?? []).some((k) => k > 0);
    this.box = this.edge ? null : boxRenewal(x.s2);
  }

  at(h: number, V: number): AdvisePoint {
    const x = this.x;
    const box = this.box;
    let harvest = 0;
    let cost = 0;
    for (let i = 0; i < x.s2.length; i++) {
      const s2 = x.s2[i]!;
      const k = x.impactK?.[i] ?? 0;
      const ci = x.c[i]! + (k > 0 ? k * Math.sqrt(h * V) : 0);
      if (box === null) {
        harvest += 0.5 * x.kappa * (s2 / 2 - (h * h) / 3);
        cost += (ci * s2) / (2 * h);
      } else {
        harvest += 0.5 * x.kappa * (s2 / 2 - (h * h * box.iota[i]!) / box.tau);
        cost += (ci * box.theta[i]!) / (h * box.tau);
      }
    }
    const fixed = box === null ? 0 : x.fixedCost / (h * h * box.tau);
    return { halfWidth: h, harvest: V * harvest, cost: V * cost + fixed, netBenefit: V * (harvest - cost) - fixed };
  }

  net(h: number, V: number): number {
    return this.at(h, V).netBenefit;
  }

  bestWidth(V: number, k = 400): number {
    return maximise((h) => this.net(h, V), ADVISE_MIN_WIDTH, ADVISE_MAX_WIDTH, k);
  }

  /** Without impact: a(h) per unit of value and r(h) rebalances a year (F·r(h) the fixed cost). */
  private linear(h: number): { a: number; r: number } {
    const p = this.at(h, 1);
    const r = this.box === null ? 0 : 1 / (h * h * this.box.tau);
    return { a: p.netBenefit + this.x.fixedCost * r, r };
  }

  /** [least, greatest) value where the best band pays. */
  range(): { from: number | null; to: number | null } {
    if (!this.impact) {
      if (this.edge) {
        const h = maximise((h) => this.linear(h).a, ADVISE_MIN_WIDTH, ADVISE_MAX_WIDTH);
        return { from: this.linear(h).a > 0 ? 0 : null, to: null };
      }
      // V·a(h) = F·r(h): the least V over the widths where a(h) > 0, i.e. the largest a(h)/r(h).
      const ratio = (h: number) => {
        const l = this.linear(h);
        return l.a / l.r;
      };
      const best = ratio(maximise(ratio, ADVISE_MIN_WIDTH, ADVISE_MAX_WIDTH));
      return { from: best > 0 ? this.x.fixedCost / best : null, to: null };
    }
    return scanValues((V) => this.net(this.bestWidth(V, 120), V));
  }
}

/** The paying range of f(V) > 0 over a log grid of V, each edge refined by bisection. */
function scanValues(f: (V: number) => number): { from: number | null; to: number | null } {
  const n = 170;
  const at = (j: number) => V_LO * (V_HI / V_LO) ** (j / n);
  let first = -1;
  let last = -1;
  for (let j = 0; j <= n; j++) {
    if (f(at(j)) > 0) {
      if (first < 0) first = j;
      last = j;
    }
  }
  if (first < 0) return { from: null, to: null };
  const from = first === 0 ? 0 : bisectLog(f, at(first - 1), at(first));
  const to = last === n ? null : bisectLog(f, at(last), at(last + 1));
  return { from, to };
}

export function advise(x: AdviseInput, grid: readonly number[]): Advice {
  const m = new Model(x);
  const formulaBands = x.s2.map((s2, i) => optimalHalfWidth(x.c[i]!, s2, x.kappa));
  const range = m.range();
  return {
    policy: m.edge ? 'edge' : 'full',
    formulaBands,
    curve: grid.map((h) => m.at(h, x.value)),
    best: m.at(m.bestWidth(x.value), x.value),
    breakEvenValue: range.from,
    ceilingValue: range.to,
  };
}

/** The least value above which rebalancing at half-width h pays (null when none does). */
export function breakEvenAt(x: AdviseInput, h: number): number | null {
  const m = new Model(x);
  return scanValues((V) => m.net(h, V)).from;
}
