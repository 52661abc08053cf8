import type { Universe } from '../universe.ts';
import { firstAbsBreach } from './band.ts';
import { EwmaEstimator } from './ewma.ts';
import { rowAbsBreach, rowValue } from './scan.ts';
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
  // bandᵢ from σᵢ and Σσᵢ (σ̄ᵢ = Σσᵢ/k): one division per entry, the exponents ±1 without Math.pow.
  const updateBands = () => {
    const k = est.seeded;
    for (let i = 0; i < u.n; i++) {
      const sum = est.sigmaSum[i]!;
      if (!(sum > 0)) {
        bands[i] = fallback;
        continue;
      }
      const sk = est.sigma[i]! * k;
      const b =
        p.exponent === -1
          ? (p.base * sum) / sk
          : p.exponent === 1
            ? (p.base * sk) / sum
            : p.base * (sk / sum) ** p.exponent;
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
    scan(P, _times, qty, from, to, values) {
      const n = u.n;
      for (let k = from; k < to; k++) {
        const off = k * n;
        est.observeRow(P, off);
        const v = rowValue(P, qty, off);
        values[k] = v;
        if (est.ready) {
          updateBands();
          if (rowAbsBreach(P, qty, off, v, t, bands)) return k;
        }
      }
      return to;
    },
    halfWidth: () => (est.ready ? bands : null),
    covariance: () => null,
    reset() {
      est.reset();
      bands.fill(0);
    },
  };
}
