import { ForecastInputError } from './types.ts';

/** Log returns ln(pₜ/pₜ₋₁) in decimal units of consecutive prices (length prices.length − 1). */
export function logReturns(prices: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(0, prices.length - 1));
  for (let t = 1; t < prices.length; t++) out[t - 1] = Math.log(prices[t]! / prices[t - 1]!);
  return out;
}

/** Sample variance (n − 1 divisor) of r[from…to). */
export function sampleVariance(r: Float64Array, from: number, to: number): number {
  const n = to - from;
  let mean = 0;
  for (let t = from; t < to; t++) mean += r[t]!;
  mean /= n;
  let ss = 0;
  for (let t = from; t < to; t++) ss += (r[t]! - mean) ** 2;
  return ss / (n - 1);
}

/** Throws unless r[from…to) holds at least `min` returns, all finite. */
export function requireReturns(model: string, r: Float64Array, from: number, to: number, min: number): void {
  if (to - from < min)
    throw new ForecastInputError(`${model}: needs at least ${min} returns, got ${Math.max(0, to - from)}`);
  for (let t = from; t < to; t++)
    if (!Number.isFinite(r[t]!)) throw new ForecastInputError(`${model}: return ${t - from + 1} is not finite`);
}
