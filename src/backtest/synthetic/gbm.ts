/**
 * Correlated geometric Brownian motion: dS/S = μ dt + σ dW, corr(dWᵢ, dWⱼ) = ρᵢⱼ. Exact discretisation
 * per bar: log(Sₜ/Sₜ₋₁) = (μ − σ²/2)·Δ + σ·√Δ·eₜ, e = L·z, z iid N(0,1), C = L·Lᵀ.
 * With `barsPerYear` = P, μ and σ are annual and Δ = 1/P; without it they are per bar (Δ = 1).
 * Draw order: for each bar t = 1…T−1, n normals in asset order. Same seed and options, same series.
 */
import type { WindowedPrices } from '../data/types.ts';
import { correlate, type MarketShape, perAsset, resolveShape, SyntheticParamError } from './params.ts';
import { Xoshiro128 } from './prng.ts';

export interface GbmOptions extends MarketShape {
  /** Arithmetic drift μ per asset (per bar, or per year with barsPerYear). Default 0. */
  readonly mu?: number | readonly number[];
  /** Volatility σ per asset (per bar, or per year with barsPerYear), ≥ 0. */
  readonly sigma: number | readonly number[];
  /** When set, μ and σ are annual and each bar is 1/barsPerYear of a year. */
  readonly barsPerYear?: number;
}

export function generateGbm(o: GbmOptions): WindowedPrices {
  const s = resolveShape(o);
  const { n, names } = s;
  const P = o.barsPerYear;
  if (P !== undefined && !(P > 0 && Number.isFinite(P)))
    throw new SyntheticParamError(`barsPerYear must be > 0, got ${P}`);
  const dt = P === undefined ? 1 : 1 / P;
  const mu = perAsset(o.mu ?? 0, names, 'mu', Number.isFinite, 'must be a finite number');
  const sigma = perAsset(o.sigma, names, 'sigma', (v) => v >= 0 && Number.isFinite(v), 'must be ≥ 0');
  const drift = new Float64Array(n);
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    drift[i] = (mu[i] - 0.5 * sigma[i] * sigma[i]) * dt;
    scale[i] = sigma[i] * Math.sqrt(dt);
  }
  const rng = new Xoshiro128(o.seed);
  const prices = new Float64Array(s.bars * n);
  prices.set(s.initial);
  const z = new Float64Array(n);
  const e = new Float64Array(n);
  for (let t = 1; t < s.bars; t++) {
    rng.fillNormal(z);
    correlate(s.chol, n, z, e);
    const row = t * n;
    for (let i = 0; i < n; i++) prices[row + i] = prices[row - n + i] * Math.exp(drift[i] + scale[i] * e[i]);
  }
  return { assets: names, times: s.times, prices, filled: 0 };
}
