import { halfWidthWithImpact, rebalanceBenefit, widthFactor } from '../bands/formula.ts';
import { type OptbandTrack, trackMatches } from '../bands/track.ts';
import { WeightVarianceEstimator } from '../bands/weight-variance.ts';
import type { OptbandConfig } from '../config/trigger-schema.ts';
import { BallastError } from '../errors.ts';
import type { PlanContext } from '../planner/context.ts';
import { firstAbsBreach } from './band.ts';
import { rowValue } from './scan.ts';
import { pct, signedPct, type TriggerKernel } from './types.ts';

export type OptbandParams = Omit<OptbandConfig, 'type'>;

/**
 * `optband`: per entry the no-trade half-width h = (3·c·s²/(2κ))^(1/3) (docs/bands.md), s² the variance
 * rate of the weight a year from the forecasts, c the cost per unit of weight traded from the cost model
 * (fee + half-spread, plus square-root impact at a trade of h·V). The quote is never traded: its band is
 * infinite. With a fixed cost F per rebalance (costs.fixedPerOrder per traded asset + `fixedCost`), a
 * breach fires only when the expected benefit V·(κ/2)·Σ dᵢ²·hᵢ²/s²ᵢ exceeds F. Nothing fires before the
 * forecasts are ready.
 *
 * s² comes from the kernel's own estimator, fed bar by bar (the service), or from a track precomputed for
 * the price matrix and target a backtest runs on (the same estimator's states).
 */
export function optbandKernel(ctx: PlanContext, p: OptbandParams, track?: OptbandTrack): TriggerKernel {
  const u = ctx.u;
  const n = u.n;
  const t = u.target;
  const q = u.quoteIndex;
  const wv = { vol: p.vol, refitEvery: p.refitEvery, lambda: p.lambda, warmup: p.warmup };
  if (track && !trackMatches(track, t, wv))
    throw new BallastError('optbandKernel: the track was computed for another target or estimator');
  const est = track ? null : new WeightVarianceEstimator(t, q, wv);
  const unit = track ? track.unit : null;
  const c = ctx.costs;
  // fac[i]·(s² per bar)^(1/3) = (3·cᵢ·s²ᵢ·barsPerYear/(2κ))^(1/3) without impact; Infinity for the quote.
  const fac = new Float64Array(n);
  const cy = Math.cbrt(p.barsPerYear);
  let impact = false;
  let traded = 0;
  for (let i = 0; i < n; i++) {
    if (i === q) {
      fac[i] = Number.POSITIVE_INFINITY;
      continue;
    }
    fac[i] = widthFactor(c.rate[i]!, p.kappa) * cy;
    if (c.impactK[i] !== 0) impact = true;
    if (t[i]! > 0) traded++;
  }
  const fixed = c.fixedPerOrder * traded + p.fixedCost;
  const bands = new Float64Array(n);
  const s2y = new Float64Array(n);
  let row = -1;
  let lastValue = 0; // the value of the last check, for bands with impact between checks
  const ready = () => (est ? est.ready : row >= 0 && track!.ready[row] === 1);
  /** The bands at portfolio value v (v matters only with impact). */
  const update = (v: number) => {
    lastValue = v;
    const off = row * n;
    for (let i = 0; i < n; i++) {
      const s2 = est ? est.s2[i]! : unit![off + i]! ** 3;
      s2y[i] = s2 * p.barsPerYear;
      if (i === q) bands[i] = Number.POSITIVE_INFINITY;
      else if (impact) bands[i] = halfWidthWithImpact(c.rate[i]!, c.impactK[i]!, v, s2y[i]!, p.kappa);
      else bands[i] = est ? fac[i]! * Math.cbrt(s2) : fac[i]! * unit![off + i]!;
    }
  };
  const worth = (w: Float64Array, v: number) => fixed === 0 || rebalanceBenefit(w, t, bands, s2y, p.kappa, v) > fixed;
  const check = (w: Float64Array, v: number) => {
    if (!ready()) return -1;
    update(v);
    const r = firstAbsBreach(w, t, bands);
    return r >= 0 && worth(w, v) ? r : -1;
  };
  const wbuf = new Float64Array(n);
  return {
    type: 'optband',
    n,
    observe(prices) {
      if (est) est.observeRow(prices, 0);
      else row++;
      if (ready()) update(lastValue); // halfWidth() between observe and check (a lagged edge plan)
    },
    check: (bar) => check(bar.w, bar.value),
    explain(r, bar) {
      if (!ready())
        return `optband: warming up the ${p.vol} forecasts (${est ? est.count : row >= 0 ? track!.count[row] : 0} returns seen)`;
      update(bar.value);
      let i = r;
      if (i < 0) {
        let best = -1;
        for (let k = 0; k < n; k++) {
          if (k === q) continue;
          const x = Math.abs(bar.w[k]! - t[k]!) / bands[k]!;
          if (x > best) {
            best = x;
            i = k;
          }
        }
      }
      if (i < 0) return 'optband: no asset to trade';
      const s = `${u.assets[i]} drift ${signedPct(bar.w[i]! - t[i]!)} vs optimal band ${pct(bands[i]!)} (weight σ ${pct(Math.sqrt(s2y[i]!))} a year, κ ${p.kappa})`;
      if (r >= 0) return `optband: ${s}`;
      if (fixed > 0 && firstAbsBreach(bar.w, t, bands) >= 0) {
        const b = rebalanceBenefit(bar.w, t, bands, s2y, p.kappa, bar.value);
        return `optband: ${s}; expected benefit ${b.toFixed(2)} ≤ fixed cost ${fixed.toFixed(2)} ${u.quote}`;
      }
      return `within optimal bands: largest ${s}`;
    },
    scan(P, _times, qty, from, to, values) {
      for (let k = from; k < to; k++) {
        const off = k * n;
        const v = rowValue(P, qty, off);
        values[k] = v;
        if (est) est.observeRow(P, off);
        else row = k;
        if (!ready()) continue;
        if (est === null && !impact && fixed === 0) {
          // The hot path: bands from the track's units, tested as firstAbsBreach tests them.
          const inv = 1 / v;
          for (let i = 0; i < n; i++) {
            if (i === q) continue;
            const b = fac[i]! * unit![off + i]!;
            const d = qty[i]! * P[off + i]! * inv - t[i]!;
            if (d > b || -d > b) {
              update(v);
              return k;
            }
          }
          continue;
        }
        const inv = 1 / v;
        for (let i = 0; i < n; i++) wbuf[i] = qty[i]! * P[off + i]! * inv;
        if (check(wbuf, v) >= 0) return k;
      }
      return to;
    },
    halfWidth: () => (ready() ? bands : null),
    covariance: () => null,
    reset() {
      est?.reset();
      row = -1;
      lastValue = 0;
      bands.fill(0);
      s2y.fill(0);
    },
  };
}
