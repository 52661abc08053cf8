import type { Universe } from '../universe.ts';
import { firstAbsBreach } from './band.ts';
import { EwmaEstimator } from './ewma.ts';
import { pct, signedPct, type TriggerKernel } from './types.ts';

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
 */
export function volAdaptiveKernel(u: Universe, p: VolAdaptiveParams): TriggerKernel {
  const t = u.target;
  const est = new EwmaEstimator(u.n, p.lambda, p.warmup, false);
  const bands = new Float64Array(u.n);
  const fallback = Math.min(p.max, Math.max(p.min, p.base));
  const updateBands = () => {
    for (let i = 0; i < u.n; i++) {
      const mean = est.sigmaMean[i]!;
      if (!(mean > 0)) {
        bands[i] = fallback;
        continue;
      }
      const x = est.sigma[i]! / mean;
      // x ** ±1 spelled out: the same numbers as Math.pow, without its cost on every bar.
      const b = p.base * (p.exponent === -1 ? 1 / x : p.exponent === 1 ? x : x ** p.exponent);
      bands[i] = b < p.min ? p.min : b > p.max ? p.max : b;
    }
  };
  return {
    type: 'voladaptive',
    n: u.n,
    observe(prices) {
      est.observe(prices);
      if (est.ready) updateBands();
    },
    check: (bar) => (est.ready ? firstAbsBreach(bar.w, t, bands) : -1),
    explain(r, bar) {
      if (!est.ready) return `voladaptive: warming up (${est.count} of ${p.warmup} returns seen)`;
      let i = r;
      if (i < 0) {
        let best = -1;
        for (let k = 0; k < u.n; k++) {
          const x = Math.abs(bar.w[k]! - t[k]!) / bands[k]!;
          if (x > best) {
            best = x;
            i = k;
          }
        }
      }
      const a = u.assets[i]!;
      const vol = est.sigma[i]!;
      const s = `${a} drift ${signedPct(bar.w[i]! - t[i]!)} vs adaptive band ${pct(bands[i]!)} (σ ${pct(vol)} vs long-run ${pct(est.sigmaMean[i]!)})`;
      return r >= 0 ? `voladaptive: ${s}` : `within adaptive bands: largest ${s}`;
    },
    halfWidth: () => (est.ready ? bands : null),
    covariance: () => null,
    reset() {
      est.reset();
      bands.fill(0);
    },
  };
}
