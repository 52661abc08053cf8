/** Optimality certificate of a solved route, evaluated at the exact integer amounts (see Certificate). */
import type { ExactAllocation } from './allocate.ts';
import type { Edge } from './edge.ts';
import type { Network } from './network.ts';
import type { Flow } from './solve.ts';
import type { Certificate } from './types.ts';

/** At maxIn up to integer rounding (hub amounts are rescaled to exact outputs, so a few units may remain). */
const atCap = (x: number, cap: number): boolean => cap - x <= Math.max(16, cap * 1e-12);

export function certify(
  net: Network,
  flow: Flow,
  alloc: ExactAllocation,
  droppedForGas: readonly string[],
): Certificate {
  const used = new Map<Edge, number>();
  for (const s of alloc.swaps) used.set(s.edge, Number(s.amountIn));
  // Pools the continuous optimum filled to maxIn (the exact hub amounts can leave them a hair below it).
  const filled = new Set<Edge>();
  const mark = (edges: readonly Edge[], xs: readonly number[] | undefined) =>
    edges.forEach((e, i) => {
      if (Number.isFinite(e.cap) && (xs?.[i] ?? 0) >= e.cap) filled.add(e);
    });
  mark(net.direct, flow.direct);
  net.hubs.forEach((h, i) => {
    mark(h.first, flow.hubs[i]?.first);
    mark(h.second, flow.hubs[i]?.second);
  });
  const lambda = flow.lambda;
  let maxRelativeGap = 0;
  let maxUnusedRatio = 0;
  const saturated: string[] = [];
  const hubPrices: Record<string, number> = {};
  // price: what one unit of the edge's input is worth at the optimum; value: what one unit of its output is worth.
  const check = (e: Edge, price: number, value: number) => {
    const x = used.get(e);
    if (x === undefined) {
      maxUnusedRatio = Math.max(maxUnusedRatio, (e.m0 * value) / price);
      return;
    }
    if (filled.has(e) || atCap(x, e.cap)) {
      saturated.push(e.pool.id);
      return;
    }
    const m = e.marginalAt(x) * value;
    maxRelativeGap = Math.max(maxRelativeGap, Math.abs(m - price) / price);
  };
  for (const e of net.direct) check(e, lambda, 1);
  net.hubs.forEach((h, i) => {
    const mu = flow.hubs[i]?.mu ?? 0;
    if (!(mu > 0)) return;
    if (h.first.some((e) => used.has(e))) hubPrices[h.token] = mu;
    for (const e of h.first) check(e, lambda, mu);
    for (const e of h.second) check(e, mu, 1);
  });
  return { lambda, maxRelativeGap, maxUnusedRatio, hubPrices, droppedForGas, saturated };
}
