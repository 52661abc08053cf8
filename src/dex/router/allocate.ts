/**
 * Turns a continuous flow into exact integer swaps: first hops get bigint inputs summing exactly to amountIn;
 * each hub's second hops get bigint inputs summing exactly to what its first hops produce (exact amountOut).
 */
import type { Edge } from './edge.ts';
import type { Network } from './network.ts';
import type { Flow } from './solve.ts';

export interface ExactSwap {
  readonly edge: Edge;
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  /** 1 for swaps from tokenIn, 2 for swaps from a hub token. */
  readonly hop: 1 | 2;
  readonly hub?: string;
}

export interface ExactAllocation {
  readonly swaps: ExactSwap[];
  readonly amountOut: bigint;
}

/**
 * Splits total into integers proportional to weights (exact sum). Weights below one unit after scaling get 0;
 * the largest share absorbs the rounding, so nothing is lost or invented.
 */
export function splitExact(total: bigint, weights: readonly number[]): bigint[] {
  const out = weights.map(() => 0n);
  let sum = 0;
  let big = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (w > 0) {
      sum += w;
      if (big < 0 || w > (weights[big] as number)) big = i;
    }
  }
  if (big < 0 || total <= 0n) return out;
  const scale = Number(total) / sum;
  let given = 0n;
  for (let i = 0; i < weights.length; i++) {
    if (i === big) continue;
    const w = weights[i] as number;
    if (!(w > 0)) continue;
    const v = BigInt(Math.floor(w * scale));
    out[i] = v;
    given += v;
  }
  let rest = total - given;
  if (rest < 0n) {
    // Float excess (cannot happen for sane weights): take it back from the others, largest first.
    for (let i = 0; i < out.length && rest < 0n; i++) {
      const take = (out[i] as bigint) < -rest ? (out[i] as bigint) : -rest;
      out[i] = (out[i] as bigint) - take;
      rest += take;
    }
  }
  out[big] = rest;
  return out;
}

export function allocateExact(net: Network, flow: Flow, amountIn: bigint): ExactAllocation {
  const firstWeights: number[] = [...flow.direct];
  for (const h of flow.hubs) firstWeights.push(...h.first);
  const firstAmounts = splitExact(amountIn, firstWeights);
  const swaps: ExactSwap[] = [];
  let amountOut = 0n;
  let k = 0;
  net.direct.forEach((edge) => {
    const a = firstAmounts[k++] as bigint;
    if (a <= 0n) return;
    const o = edge.pool.amountOut(edge.from, edge.to, a);
    swaps.push({ edge, amountIn: a, amountOut: o, hop: 1 });
    amountOut += o;
  });
  net.hubs.forEach((hub, hi) => {
    const hf = flow.hubs[hi];
    if (!hf) return;
    let produced = 0n;
    for (const edge of hub.first) {
      const a = firstAmounts[k++] as bigint;
      if (a <= 0n) continue;
      const o = edge.pool.amountOut(edge.from, edge.to, a);
      swaps.push({ edge, amountIn: a, amountOut: o, hop: 1, hub: hub.token });
      produced += o;
    }
    // Float dust can leave every second-hop weight at 0 while the first hops produced something: send it to the best pool.
    const weights = hf.second.some((w) => w > 0) ? hf.second : hub.second.map((e) => e.m0);
    const secondAmounts = splitExact(produced, weights);
    hub.second.forEach((edge, j) => {
      const a = secondAmounts[j] as bigint;
      if (a <= 0n) return;
      const o = edge.pool.amountOut(edge.from, edge.to, a);
      swaps.push({ edge, amountIn: a, amountOut: o, hop: 2, hub: hub.token });
      amountOut += o;
    });
  });
  return { swaps, amountOut };
}
