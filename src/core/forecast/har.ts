/**
 * HAR-RV (Corsi 2009) on squared daily returns as the realized-variance proxy (RVₜ = r²ₜ):
 *   RVₜ₊₁ = b₀ + b₁·RVₜ + b₅·(RVₜ₋₄ + … + RVₜ)/5 + b₂₂·(RVₜ₋₂₁ + … + RVₜ)/22 + εₜ₊₁,
 * fitted by ordinary least squares on the rows t = 22…n − 1 of a window of n returns (n − 22 rows), the
 * three regressors centred and scaled to unit norm and solved by Householder QR (the intercept follows
 * from the means). The forecast is the fitted equation at the window's last return.
 */
import { leastSquaresQR } from './linalg.ts';
import { requireReturns } from './returns.ts';
import { ForecastInputError, type OnlineModel } from './types.ts';

export const HAR_MIN_RETURNS = 50;
const LAGS = 22;

export interface HarCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b5: number;
  readonly b22: number;
}

export interface HarFit extends HarCoefficients {
  readonly forecast: number;
  /** Returns in the window (the regression has n − 22 rows). */
  readonly n: number;
}

/** The regression's columns for r[from…to): RVₜ, its 5- and 22-return means, and RVₜ₊₁. */
export interface HarDesign {
  readonly x1: Float64Array;
  readonly x5: Float64Array;
  readonly x22: Float64Array;
  readonly y: Float64Array;
}

export function harDesign(r: Float64Array, from: number, to: number): HarDesign {
  const m = to - from - LAGS;
  const d = { x1: new Float64Array(m), x5: new Float64Array(m), x22: new Float64Array(m), y: new Float64Array(m) };
  for (let k = 0; k < m; k++) {
    const t = from + LAGS - 1 + k;
    d.x1[k] = r[t]! * r[t]!;
    d.x5[k] = meanSquare(r, t - 4, t + 1);
    d.x22[k] = meanSquare(r, t - 21, t + 1);
    d.y[k] = r[t + 1]! * r[t + 1]!;
  }
  return d;
}

function meanSquare(r: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let t = from; t < to; t++) s += r[t]! * r[t]!;
  return s / (to - from);
}

/** The fitted equation at the last return of r[…to) (needs 22 returns before `to`). */
export function harForecast(c: HarCoefficients, r: Float64Array, to: number): number {
  const t = to - 1;
  return c.b0 + c.b1 * r[t]! * r[t]! + c.b5 * meanSquare(r, t - 4, to) + c.b22 * meanSquare(r, t - 21, to);
}

/** OLS of the HAR equation on r[from…to). */
export function fitHar(r: Float64Array, from = 0, to = r.length): HarFit {
  requireReturns('har', r, from, to, HAR_MIN_RETURNS);
  const d = harDesign(r, from, to);
  const m = d.y.length;
  const cols = [d.x1, d.x5, d.x22];
  const mean = cols.map((c) => average(c));
  const ybar = average(d.y);
  const a = new Float64Array(3 * m);
  const norm = new Float64Array(3);
  cols.forEach((c, j) => {
    let ss = 0;
    for (let k = 0; k < m; k++) ss += (c[k]! - mean[j]!) ** 2;
    norm[j] = Math.sqrt(ss);
    for (let k = 0; k < m; k++) a[j * m + k] = (c[k]! - mean[j]!) / norm[j]!;
  });
  const yc = new Float64Array(m);
  for (let k = 0; k < m; k++) yc[k] = d.y[k]! - ybar;
  const z = leastSquaresQR(a, yc, m, 3);
  if (z === null || !norm.every((v) => v > 0))
    throw new ForecastInputError('har: the regressors are collinear (too many zero returns?): no unique fit');
  const b1 = z[0]! / norm[0]!;
  const b5 = z[1]! / norm[1]!;
  const b22 = z[2]! / norm[2]!;
  const c = { b0: ybar - b1 * mean[0]! - b5 * mean[1]! - b22 * mean[2]!, b1, b5, b22 };
  return { ...c, forecast: harForecast(c, r, to), n: to - from };
}

function average(c: Float64Array): number {
  let s = 0;
  for (let k = 0; k < c.length; k++) s += c[k]!;
  return s / c.length;
}

/**
 * The forecaster's floor: a variance forecast must be positive for QLIKE, and OLS can go below zero after
 * a run of tiny returns; it is raised to 1e-12 (the floor QLIKE puts on r²).
 */
export const VARIANCE_FLOOR = 1e-12;

export interface HarState {
  coef: HarCoefficients;
  /** The last 22 squared returns (a ring) and where the next goes. */
  readonly ring: Float64Array;
  pos: number;
  next: number;
}

function ringForecast(s: HarState): number {
  const { coef, ring } = s;
  let s5 = 0;
  let s22 = 0;
  for (let k = 0; k < LAGS; k++) {
    const v = ring[(s.pos - 1 - k + 2 * LAGS) % LAGS]!;
    s22 += v;
    if (k < 5) s5 += v;
  }
  const f = coef.b0 + coef.b1 * ring[(s.pos - 1 + LAGS) % LAGS]! + (coef.b5 * s5) / 5 + (coef.b22 * s22) / LAGS;
  return Math.max(f, VARIANCE_FLOOR);
}

/** HAR for the rolling forecaster. */
export const harModel: OnlineModel<HarState> = {
  name: 'har',
  minReturns: HAR_MIN_RETURNS,
  fit(r, from, to, prev) {
    const f = fitHar(r, from, to);
    const coef = { b0: f.b0, b1: f.b1, b5: f.b5, b22: f.b22 };
    return { coef, ring: prev?.ring ?? new Float64Array(LAGS), pos: 0, next: Number.NaN };
  },
  replay(s, r, _from, to) {
    for (let k = 0; k < LAGS; k++) s.ring[k] = r[to - LAGS + k]! * r[to - LAGS + k]!;
    s.pos = 0;
    s.next = ringForecast(s);
    return s.next;
  },
  step(s, r) {
    s.ring[s.pos] = r * r;
    s.pos = (s.pos + 1) % LAGS;
    s.next = ringForecast(s);
    return s.next;
  },
};
