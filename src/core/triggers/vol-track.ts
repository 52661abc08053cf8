import { EwmaEstimator } from './ewma.ts';

/**
 * (σ/σ̄)^e from σ, Σσ and the number of terms k (σ̄ = Σσ/k), the factor a vol-adaptive band puts on its
 * base; NaN when Σσ = 0 (no volatility seen: the kernel's fallback band). ±1 without Math.pow.
 */
export function bandUnit(sigma: number, sum: number, k: number, e: number): number {
  if (!(sum > 0)) return Number.NaN;
  const sk = sigma * k;
  return e === -1 ? sum / sk : e === 1 ? sk / sum : (sk / sum) ** e;
}

/**
 * The EWMA estimator's state after each bar of a row-major bars × n price matrix, computed once (by the
 * estimator itself) and read by every vol-adaptive run over that matrix: a sweep's thousands of runs
 * share λ and the warm-up, so they share σ. Row k = the state after observing bars 0…k. These arrays are
 * what a track holds and what a sweep shares of it between threads.
 */
export interface VolTrackArrays {
  readonly n: number;
  readonly lambda: number;
  readonly warmup: number;
  /** 1 once the warm-up is complete, per bar. */
  readonly ready: Uint8Array;
  /** Returns seen, per bar. */
  readonly count: Int32Array;
  /** σ and Σσ since seeding (bars × n), and the number of terms of Σσ (per bar). */
  readonly sigma: Float64Array;
  readonly sigmaSum: Float64Array;
  readonly seeded: Int32Array;
}

export interface VolTrack extends VolTrackArrays {
  readonly bars: number;
  /** bandUnit(σ, Σσ, k, exponent) for every bar and entry (bars × n), computed on first use. */
  unit(exponent: number): Float64Array;
}

/** The arrays of a track (a copy made elsewhere, e.g. shared between threads) and the units already computed. */
export interface VolTrackParts extends VolTrackArrays {
  readonly units: readonly (readonly [number, Float64Array])[];
}

/** A track over given arrays; units not given are computed on first use, as volTrack's are. */
export function volTrackOf(p: VolTrackParts): VolTrack {
  return withUnits(p, new Map(p.units));
}

export function volTrack(prices: Float64Array, n: number, lambda: number, warmup: number): VolTrack {
  const bars = prices.length / n;
  const est = new EwmaEstimator(n, lambda, warmup, false);
  const ready = new Uint8Array(bars);
  const count = new Int32Array(bars);
  const seeded = new Int32Array(bars);
  const sigma = new Float64Array(bars * n);
  const sigmaSum = new Float64Array(bars * n);
  for (let k = 0; k < bars; k++) {
    est.observeRow(prices, k * n);
    ready[k] = est.ready ? 1 : 0;
    count[k] = est.count;
    seeded[k] = est.seeded;
    sigma.set(est.sigma, k * n);
    sigmaSum.set(est.sigmaSum, k * n);
  }
  return withUnits({ n, lambda, warmup, ready, count, sigma, sigmaSum, seeded }, new Map());
}

function withUnits(p: VolTrackArrays, units: Map<number, Float64Array>): VolTrack {
  const { n, sigma, sigmaSum, seeded } = p;
  const bars = p.ready.length;
  return {
    n,
    bars,
    lambda: p.lambda,
    warmup: p.warmup,
    ready: p.ready,
    count: p.count,
    sigma,
    sigmaSum,
    seeded,
    unit(e) {
      let u = units.get(e);
      if (u === undefined) {
        u = new Float64Array(bars * n);
        for (let k = 0; k < bars; k++) {
          for (let i = 0; i < n; i++) u[k * n + i] = bandUnit(sigma[k * n + i]!, sigmaSum[k * n + i]!, seeded[k]!, e);
        }
        units.set(e, u);
      }
      return u;
    },
  };
}
