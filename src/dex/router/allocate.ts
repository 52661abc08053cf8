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
 * Splits total into integers proportional to weights (exact sum), never above caps[i] (a pool's maxIn: above it the
 * swap reverts). Weights below one unit after scaling get 0; the rounding goes to the largest shares with room, so
 * nothing is lost or invented. If the caps cannot hold total, the excess stays on the largest share.
 */
export function splitExact(total: bigint, weights: readonly number[], caps?: readonly number[]): bigint[] {
  const out = weights.map(() => 0n);
  let sum = 0;
  for (const w of weights) if (w > 0) sum += w;
  if (!(sum > 0) || total <= 0n) return out;
  const limit = (i: number): bigint | undefined => {
    const c = caps?.[i];
    return c !== undefined && Number.isFinite(c) ? BigInt(Math.floor(c)) : undefined;
  };
  const scale = Number(total) / sum;
  let given = 0n;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (!(w > 0)) continue;
    let v = BigInt(Math.floor(w * scale));
    const c = limit(i);
    if (c !== undefined && v > c) v = c;
    out[i] = v;
    given += v;
  }
  let rest = total - given;
  const order = weights.map((_, i) => i).sort((i, j) => (weights[j] as number) - (weights[i] as number));
  for (const i of order) {
    if (rest === 0n) break;
    if (!((weights[i] as number) > 0)) break;
    const c = limit(i);
    const cur = out[i] as bigint;
    if (rest > 0n) {
      const room = c === undefined ? rest : c - cur;
      // biome-ignore lint/complexity/useMathMinMax: bigint (Math.min takes numbers only)
      const add = room < rest ? room : rest;
      if (add > 0n) {
        out[i] = cur + add;
        rest -= add;
      }
    } else {
      // biome-ignore lint/complexity/useMathMinMax: bigint (Math.min takes numbers only)
      const take = cur < -rest ? cur : -rest;
      out[i] = cur - take;
      rest += take;
    }
  }
  const first = order[0] as number;
  out[first] = (out[first] as bigint) + rest;
  return out;
}

export function allocateExact(net: Network, flow: Flow, amountIn: bigint): ExactAllocation {
  const firstWeights: number[] = [...flow.direct];
  for (const h of flow.hubs) firstWeights.push(...h.first);
  const firstCaps: number[] = net.direct.map((e) => e.cap);
  for (const h of net.hubs) for (const e of h.first) firstCaps.push(e.cap);
  const firstAmounts = splitExact(amountIn, firstWeights, firstCaps);
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
    const secondAmounts = splitExact(
      produced,
      weights,
      hub.second.map((e) => e.cap),
    );
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
