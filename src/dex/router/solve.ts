/**
 * Continuous optimal split over a network (direct pools + hubs), jointly: every used path's marginal price equals
 * a common lambda. Bracketed root finding on lambda; for each hub, an inner root on the hub token's price mu so
 * that what the first hops produce at marginal lambda/mu equals what the second hops absorb at marginal mu.
 */
import type { Edge } from './edge.ts';
import { InsufficientLiquidityError } from './errors.ts';
import type { HubGroup, Network } from './network.ts';
import { findRoot } from './root.ts';

export interface HubFlow {
  readonly mu: number;
  readonly first: number[];
  readonly second: number[];
  /** Hub-token amount produced by the first hops (float). */
  readonly produced: number;
}

export interface Flow {
  readonly lambda: number;
  readonly direct: number[];
  readonly hubs: HubFlow[];
}

const REL_TOL = 1e-14;

const maxM0 = (edges: readonly Edge[]): number => {
  let m = 0;
  for (const e of edges) if (e.m0 > m) m = e.m0;
  return m;
};

function hubAt(h: HubGroup, lambda: number): HubFlow {
  const a0 = maxM0(h.first);
  const b0 = maxM0(h.second);
  const zero = (): HubFlow => ({ mu: b0, first: h.first.map(() => 0), second: h.second.map(() => 0), produced: 0 });
  if (!(a0 * b0 > lambda)) return zero();
  // D(mu) = produced(lambda/mu) - absorbed(mu), increasing in mu.
  const produced = (nu: number): number => {
    let s = 0;
    for (const e of h.first) {
      const x = e.inputAt(nu);
      if (x > 0) s += e.outAt(x);
    }
    return s;
  };
  const absorbed = (mu: number): number => {
    let s = 0;
    for (const e of h.second) s += e.inputAt(mu);
    return s;
  };
  const mu = findRoot((m) => produced(lambda / m) - absorbed(m), lambda / a0, b0, REL_TOL);
  const nu = lambda / mu;
  const first = h.first.map((e) => e.inputAt(nu));
  const second = h.second.map((e) => e.inputAt(mu));
  let out = 0;
  first.forEach((x, i) => {
    if (x > 0) out += (h.first[i] as Edge).outAt(x);
  });
  return { mu, first, second, produced: out };
}

function flowAt(net: Network, lambda: number): { flow: Flow; total: number } {
  let total = 0;
  const direct = net.direct.map((e) => {
    const x = e.inputAt(lambda);
    total += x;
    return x;
  });
  const hubs = net.hubs.map((h) => {
    const f = hubAt(h, lambda);
    for (const x of f.first) total += x;
    return f;
  });
  return { flow: { lambda, direct, hubs }, total };
}

/** Best marginal price at zero size over all paths of the network. */
export function bestPathPrice(net: Network): number {
  let best = maxM0(net.direct);
  for (const h of net.hubs) best = Math.max(best, maxM0(h.first) * maxM0(h.second));
  return best;
}

/** Optimal continuous split of amountIn (float, base units) over the network, ignoring gas. */
export function solveFlow(net: Network, amountIn: number, amountInExact: bigint): Flow {
  const hi = bestPathPrice(net);
  let lo = hi / 2;
  for (;;) {
    const { total } = flowAt(net, lo);
    if (total >= amountIn) break;
    if (lo < hi * 1e-40) throw new InsufficientLiquidityError(amountInExact, total);
    lo /= 64;
  }
  const lambda = findRoot((l) => amountIn - flowAt(net, l).total, lo, hi, REL_TOL);
  return flowAt(net, lambda).flow;
}
