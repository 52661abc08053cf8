/**
 * Seeded synthetic series for the forecasters' tests (issue #26), drawn with the project's xoshiro128**
 * generator: a zero-mean GARCH(1,1) and a two-regime Gaussian series with its true states.
 */
import { Xoshiro128 } from '../../src/backtest/synthetic/prng.ts';

/** r₁…rₙ of GARCH(1,1), σ²₁ = ω/(1 − α − β), zₜ the generator's normals in order. */
export function simulateGarch(omega: number, alpha: number, beta: number, n: number, seed: number): Float64Array {
  const rng = new Xoshiro128(seed);
  const r = new Float64Array(n);
  let h = omega / (1 - alpha - beta);
  for (let t = 0; t < n; t++) {
    r[t] = Math.sqrt(h) * rng.nextNormal();
    h = omega + alpha * r[t]! * r[t]! + beta * h;
  }
  return r;
}

/** A Markov-switching series: state 0 (σ = sigma[0]) or 1 (σ = sigma[1]), staying with probability `stay`. */
export function simulateRegimes(
  sigma: readonly [number, number],
  stay: number,
  n: number,
  seed: number,
): { r: Float64Array; states: Uint8Array } {
  const rng = new Xoshiro128(seed);
  const r = new Float64Array(n);
  const states = new Uint8Array(n);
  let s = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0 && rng.nextFloat() >= stay) s = 1 - s;
    states[t] = s;
    r[t] = sigma[s]! * rng.nextNormal();
  }
  return { r, states };
}

/** Prices 100·exp(cumulative r): bar 0 is 100, bar t + 1 carries return r[t]. */
export function pricesOf(r: Float64Array): Float64Array {
  const p = new Float64Array(r.length + 1);
  p[0] = 100;
  for (let t = 0; t < r.length; t++) p[t + 1] = p[t]! * Math.exp(r[t]!);
  return p;
}
