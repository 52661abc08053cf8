/**
 * `ballast advise`'s model (docs/bands.md, "advise"): the expected net benefit of rebalancing a year
 * against a common half-width h, the best h, and the break-even portfolio value. Per non-quote asset i:
 * weight variance rate s²ᵢ a year (the optband estimator's), cost cᵢ per unit of weight traded; κ the
 * tracking penalty; F the fixed cost of one rebalance in the quote; V the portfolio value.
 *
 * The benefit is measured against not rebalancing for a year from the target: the deviation then has
 * E x² = s²t, a tracking loss of (κ/2)·s²/2 a year. Two policies (a deviation as Brownian motion):
 *  - F = 0, trade to the edge (optband's default): x is uniform on [−h, h], E x² = h²/3, and the weight
 *    traded a year is s²/(2h) (the local time at the edges). Per year
 *      net(h) = V·Σᵢ [(κ/2)(s²ᵢ/2 − h²/3) − cᵢ·s²ᵢ/(2h)],
 *    each term largest at the formula's hᵢ; the common best is h³ = 3·Σcᵢs²ᵢ/(2κ·m), m the assets.
 *  - F > 0, full rebalance at the band (every rebalance pays F, so edge trading, which trades without
 *    end, never pays): x restarts at 0 on reaching ±h, E x² = h²/6, a rebalance every h²/s² years
 *    trading h of the weight. Per year (each asset's breaches counted as rebalances of their own)
 *      net(h) = V·Σᵢ [(κ/2)(s²ᵢ/2 − h²/6) − cᵢ·s²ᵢ/h] − F·Σᵢ s²ᵢ/h².
 * net(h) = V·a(h) − F·r(h): rebalancing at h pays when V > F·r(h)/a(h) (a(h) > 0); the break-even value
 * is the least of these over h (0 when F = 0 and some a(h) > 0; none when no a(h) is positive).
 */
import { optimalHalfWidth } from './formula.ts';

export interface AdviseInput {
  readonly value: number;
  readonly kappa: number;
  readonly fixedCost: number;
  /** Per asset: weight variance rate a year and cost per unit of weight traded. */
  readonly s2: readonly number[];
  readonly c: readonly number[];
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
  /** The trigger's formula band per asset. */
  readonly formulaBands: readonly number[];
  readonly curve: readonly AdvisePoint[];
  readonly best: AdvisePoint;
  /** The value below which no band pays (0: every value pays; null: none does). */
  readonly breakEvenValue: number | null;
}

/** a(h) (harvest − proportional cost per unit of value) and r(h) (rebalances a year) of the policy. */
function rates(x: AdviseInput, h: number): { harvest: number; prop: number; r: number } {
  const edge = x.fixedCost === 0;
  let harvest = 0;
  let prop = 0;
  let r = 0;
  for (let i = 0; i < x.s2.length; i++) {
    const s2 = x.s2[i]!;
    harvest += 0.5 * x.kappa * (s2 / 2 - (h * h) / (edge ? 3 : 6));
    prop += edge ? (x.c[i]! * s2) / (2 * h) : (x.c[i]! * s2) / h;
    r += s2 / (h * h);
  }
  return { harvest, prop, r };
}

export function pointAt(x: AdviseInput, h: number): AdvisePoint {
  const { harvest, prop, r } = rates(x, h);
  const fixed = x.fixedCost === 0 ? 0 : x.fixedCost * r;
  const cost = x.value * prop + fixed;
  return { halfWidth: h, harvest: x.value * harvest, cost, netBenefit: x.value * harvest - cost };
}

/** Golden-section search of the maximum of f on [lo, hi] (unimodal there). */
function goldenMax(f: (h: number) => number, lo: number, hi: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 200 && b - a > 1e-12 * b; it++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** Maximises f over a log grid of [lo, hi], refined by golden section around the grid's best. */
function maximise(f: (h: number) => number, lo: number, hi: number): number {
  const k = 400;
  let best = lo;
  let fb = Number.NEGATIVE_INFINITY;
  let bi = 0;
  const at = (j: number) => lo * (hi / lo) ** (j / k);
  for (let j = 0; j <= k; j++) {
    const v = f(at(j));
    if (v > fb) {
      fb = v;
      best = at(j);
      bi = j;
    }
  }
  const h = goldenMax(f, at(Math.max(0, bi - 1)), at(Math.min(k, bi + 1)));
  return f(h) >= fb ? h : best;
}

export const ADVISE_MIN_WIDTH = 1e-4;
export const ADVISE_MAX_WIDTH = 0.5;

export function advise(x: AdviseInput, grid: readonly number[]): Advice {
  const edge = x.fixedCost === 0;
  const formulaBands = x.s2.map((s2, i) => optimalHalfWidth(x.c[i]!, s2, x.kappa));
  const bestH = maximise((h) => pointAt(x, h).netBenefit, ADVISE_MIN_WIDTH, ADVISE_MAX_WIDTH);
  let breakEvenValue: number | null;
  if (edge) {
    const h = maximise((h) => rates(x, h).harvest - rates(x, h).prop, ADVISE_MIN_WIDTH, ADVISE_MAX_WIDTH);
    const r = rates(x, h);
    breakEvenValue = r.harvest - r.prop > 0 ? 0 : null;
  } else {
    // V·a(h) = F·r(h): the least V over the widths where a(h) > 0, i.e. the largest a(h)/r(h).
    const ratio = (h: number) => {
      const r = rates(x, h);
      return (r.harvest - r.prop) / r.r;
    };
    const h = maximise(ratio, ADVISE_MIN_WIDTH, ADVISE_MAX_WIDTH);
    const best = ratio(h);
    breakEvenValue = best > 0 ? x.fixedCost / best : null;
  }
  return {
    policy: edge ? 'edge' : 'full',
    formulaBands,
    curve: grid.map((h) => pointAt(x, h)),
    best: pointAt(x, bestH),
    breakEvenValue,
  };
}

/** F·r(h)/a(h): the value above which rebalancing at half-width h pays (null when a(h) ≤ 0; F > 0). */
export function breakEvenAt(x: AdviseInput, h: number): number | null {
  const r = rates(x, h);
  const a = r.harvest - r.prop;
  return a > 0 ? (x.fixedCost * r.r) / a : null;
}
