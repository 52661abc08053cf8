/**
 * Correlated GARCH(1,1) log returns, for markets with volatility clustering:
 *   rᵢₜ = μᵢ + εᵢₜ,  εᵢₜ = √hᵢₜ · eᵢₜ,  hᵢₜ = ωᵢ + αᵢ·ε²ᵢₜ₋₁ + βᵢ·hᵢₜ₋₁,  e = L·z, z iid N(0,1),
 * all per bar. The first return uses the unconditional variance hᵢ₁ = ωᵢ/(1 − αᵢ − βᵢ), so the series
 * starts in its stationary regime (no burn-in needed). Requires ω > 0, α, β ≥ 0, α + β < 1.
 * Draw order: for each bar t = 1…T−1, n normals in asset order (the same stream as the GBM).
 */
import type { WindowedPrices } from '../data/types.ts';
import { correlate, type MarketShape, perAsset, resolveShape, SyntheticParamError } from './params.ts';
import { Xoshiro128 } from './prng.ts';

export interface GarchOptions extends MarketShape {
  /** Constant ω > 0 of the variance recursion, per bar (variance units). */
  readonly omega: number | readonly number[];
  /** Weight α ≥ 0 of the last squared shock. */
  readonly alpha: number | readonly number[];
  /** Weight β ≥ 0 of the last variance; α + β < 1. */
  readonly beta: number | readonly number[];
  /** Mean log return per bar. Default 0. */
  readonly mu?: number | readonly number[];
}

/** ω giving an unconditional per-bar variance `variance` for the given α and β. */
export function garchOmega(variance: number, alpha: number, beta: number): number {
  if (!(alpha >= 0 && beta >= 0 && alpha + beta < 1))
    throw new SyntheticParamError(`need α, β ≥ 0 and α + β < 1, got α = ${alpha}, β = ${beta}`);
  return variance * (1 - alpha - beta);
}

export function generateGarch(o: GarchOptions): WindowedPrices {
  const s = resolveShape(o);
  const { n, names } = s;
  const omega = perAsset(o.omega, names, 'omega', (v) => v > 0 && Number.isFinite(v), 'must be > 0');
  const alpha = perAsset(o.alpha, names, 'alpha', (v) => v >= 0 && v < 1, 'must be in [0, 1)');
  const beta = perAsset(o.beta, names, 'beta', (v) => v >= 0 && v < 1, 'must be in [0, 1)');
  const mu = perAsset(o.mu ?? 0, names, 'mu', Number.isFinite, 'must be a finite number');
  const h = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(alpha[i] + beta[i] < 1)) {
      throw new SyntheticParamError(
        `alpha + beta for ${names[i]} is ${alpha[i] + beta[i]}: must be < 1 for a finite unconditional variance`,
      );
    }
    h[i] = omega[i] / (1 - alpha[i] - beta[i]);
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
    for (let i = 0; i < n; i++) {
      const eps = Math.sqrt(h[i]) * e[i];
      prices[row + i] = prices[row - n + i] * Math.exp(mu[i] + eps);
      h[i] = omega[i] + alpha[i] * eps * eps + beta[i] * h[i];
    }
  }
  return { assets: names, times: s.times, prices, filled: 0 };
}
