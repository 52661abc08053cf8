import { BallastError } from '../errors.ts';
import type { Universe } from '../universe.ts';
import { firstAbsBreach } from './band.ts';
import { EwmaEstimator } from './ewma.ts';
import { rowAbsBreach, rowValue } from './scan.ts';
import { pct, signedPct, type TriggerKernel } from './types.ts';
import { bandUnit, type VolTrack } from './vol-track.ts';

export interface VolAdaptiveParams {
  readonly base: number;
  readonly exponent: number;
  readonly lambda: number;
  readonly warmup: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Volatility-adaptive bands: bandᵢ,ₜ = clamp(base·(σᵢ,ₜ/σ̄ᵢ,ₜ)^exponent, min, max) with σ the EWMA per-bar
 * volatility and σ̄ its mean since seeding. An entry without volatility (the quote, a pegged asset:
 * σ̄ = 0) keeps clamp(base, min, max). No rebalance before `warmup` returns have been seen.
 *
 * σ comes from the kernel's own estimator, fed bar by bar (the service), or from a `track` precomputed
 * for the price matrix a backtest runs on (the same estimator's states, so the same bands, bit for bit).
 */
export function volAdaptiveKernel(u: Universe, p: VolAdaptiveParams, track?: VolTrack): TriggerKernel {
  if (track && (track.n !== u.n || track.lambda !== p.lambda || track.warmup !== p.warmup))
    throw new BallastError('volAdaptiveKernel: the track was computed for other entries, λ or warm-up');
  const t = u.target;
  const n = u.n;
  const est = track ? null : new EwmaEstimator(n, p.lambda, p.warmup, false);
  const unit = track ? track.unit(p.exponent) : null;
  const bands = new Float64Array(n);
  // base, min, max and the fallback clamp(base, min, max), read from a Float64Array so that optimized code
  // holds every band as an unboxed double (from a params object, a band mixing an integer `min: 0` and
  // doubles was a tagged value, boxed per entry per bar: ~0.4 MB of garbage per 2,600-bar backtest).
  const lim = Float64Array.of(p.base, p.min, p.max, Math.min(p.max, Math.max(p.min, p.base)));
  let row = -1; // with a track: the last bar observed
  const ready = () => (est ? est.ready : row >= 0 && track!.ready[row] === 1);
  const updateBands = () => {
    if (est)
      for (let i = 0; i < n; i++)
        bands[i] = clampBand(bandUnit(est.sigma[i]!, est.sigmaSum[i]!, est.seeded, p.exponent), lim);
    else for (let i = 0; i < n; i++) bands[i] = clampBand(unit![row * n + i]!, lim);
  };
  const sigmaOf = (i: number) => (est ? est.sigma[i]! : track!.sigma[row * n + i]!);
  const meanOf = (i: number) => (est ? est.sigmaMean[i]! : track!.sigmaSum[row * n + i]! / track!.seeded[row]!);
  return {
    type: 'voladaptive',
    n,
    observe(prices) {
      if (est) est.observe(prices);
      else row++;
      if (ready()) updateBands();
    },
    check: (bar) => (ready() ? firstAbsBreach(bar.w, t, bands) : -1),
    explain(r, bar) {
      if (!ready())
        return `voladaptive: warming up (${est ? est.count : row >= 0 ? track!.count[row] : 0} of ${p.warmup} returns seen)`;
      let i = r;
      if (i < 0) {
        let best = -1;
        for (let k = 0; k < n; k++) {
          const x = Math.abs(bar.w[k]! - t[k]!) / bands[k]!;
          if (x > best) {
            best = x;
            i = k;
          }
        }
      }
      const a = u.assets[i]!;
      const s = `${a} drift ${signedPct(bar.w[i]! - t[i]!)} vs adaptive band ${pct(bands[i]!)} (σ ${pct(sigmaOf(i))} vs long-run ${pct(meanOf(i))})`;
      return r >= 0 ? `voladaptive: ${s}` : `within adaptive bands: largest ${s}`;
    },
    scan(P, _times, qty, from, to, values) {
      if (est === null) {
        const f = scanTracked(P, qty, t, unit!, track!.ready, lim, from, to, values);
        row = Math.min(f, to - 1); // f ≤ to; one expression for both cases, so no rare branch for V8 to deopt on
        if (ready()) updateBands(); // the state observe() would leave
        return f;
      }
      for (let k = from; k < to; k++) {
        const off = k * n;
        est.observeRow(P, off);
        const v = rowValue(P, qty, off);
        values[k] = v;
        if (!est.ready) continue;
        updateBands();
        if (rowAbsBreach(P, qty, off, v, t, bands)) return k;
      }
      return to;
    },
    halfWidth: () => (ready() ? bands : null),
    covariance: () => null,
    reset() {
      est?.reset();
      row = -1;
      bands.fill(0);
    },
  };
}

/** A band from its unit x = (σ/σ̄)^exponent: clamp(base·x, min, max), or the fallback when x is NaN. */
function clampBand(x: number, lim: Float64Array): number {
  if (Number.isNaN(x)) return lim[3]!;
  const b = lim[0]! * x;
  return b < lim[1]! ? lim[1]! : b > lim[2]! ? lim[2]! : b;
}

/**
 * The scan on a track: per bar the value, then (once warm) each entry's band from its unit row, computed
 * as updateBands computes it, against its drift, as rowAbsBreach tests it. One tight loop, no calls.
 */
function scanTracked(
  P: Float64Array,
  qty: Float64Array,
  t: Float64Array,
  U: Float64Array,
  ready: Uint8Array,
  lim: Float64Array,
  from: number,
  to: number,
  values: Float64Array,
): number {
  const n = t.length;
  const base = lim[0]!;
  const min = lim[1]!;
  const max = lim[2]!;
  const fallback = lim[3]!;
  for (let k = from; k < to; k++) {
    const off = k * n;
    const v = rowValue(P, qty, off);
    values[k] = v;
    if (ready[k] !== 1) continue;
    const inv = 1 / v;
    for (let i = 0; i < n; i++) {
      const x = U[off + i]!;
      let b = fallback;
      if (!Number.isNaN(x)) {
        b = base * x;
        b = b < min ? min : b > max ? max : b;
      }
      const d = qty[i]! * P[off + i]! * inv - t[i]!;
      if (d > b || -d > b) return k;
    }
  }
  return to;
}
