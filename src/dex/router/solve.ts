/**
 * Continuous optimal split over a network (direct pools + hubs), jointly: every used path's marginal price equals
 * a common lambda. Bracketed root finding on lambda; for each hub, an inner root on the hub token's price mu so
 * that what the first hops produce at marginal lambda/mu equals what the second hops absorb at marginal mu.
 */
import type { Edge } from './edge.ts';
import { InsufficientLiquidityError } from './errors.ts';
import type { HubGroup, Network } from './network.ts';
import { findBracket, findRoot } from './root.ts';

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
/** Hub price tolerance: 1e-12 keeps path marginals within ~1e-12 of lambda, far inside the 1e-9 certificate. */
const HUB_TOL = 1e-12;

const maxM0 = (edges: readonly Edge[]): number => {
  let m = 0;
  for (const e of edges) if (e.m0 > m) m = e.m0;
  return m;
};

/** Last solved (lambda, mu) of a hub: mu and lambda/mu both increase with lambda, so it brackets the next solve. */
type HubMemo = Map<HubGroup, { lambda: number; mu: number }>;

function produced(h: HubGroup, nu: number): number {
  let s = 0;
  for (const e of h.first) {
    const x = e.inputAt(nu);
    if (x > 0) s += e.outAt(x);
  }
  return s;
}

function absorbed(h: HubGroup, mu: number): number {
  let s = 0;
  for (const e of h.second) s += e.inputAt(mu);
  return s;
}

/** The hub token's price mu at which first hops (at marginal lambda/mu) produce what second hops absorb; 0 if unused. */
function hubMu(h: HubGroup, lambda: number, memo?: HubMemo): number {
  const a0 = maxM0(h.first);
  const b0 = maxM0(h.second);
  if (!(a0 * b0 > lambda)) return 0;
  let lo = lambda / a0;
  let hi = b0;
  const last = memo?.get(h);
  if (last) {
    if (lambda >= last.lambda) {
      lo = Math.max(lo, last.mu);
      hi = Math.min(hi, (last.mu * lambda) / last.lambda);
    } else {
      hi = Math.min(hi, last.mu);
      lo = Math.max(lo, (last.mu * lambda) / last.lambda);
    }
    if (!(lo <= hi)) {
      lo = lambda / a0;
      hi = b0;
    }
  }
  // D(mu) = produced(lambda/mu) - absorbed(mu), increasing in mu.
  const mu = findRoot((m) => produced(h, lambda / m) - absorbed(h, m), lo, hi, HUB_TOL);
  memo?.set(h, { lambda, mu });
  return mu;
}

export function hubAt(h: HubGroup, lambda: number, memo?: HubMemo): HubFlow {
  const mu = hubMu(h, lambda, memo);
  if (mu === 0) return { mu: maxM0(h.second), first: h.first.map(() => 0), second: h.second.map(() => 0), produced: 0 };
  const nu = lambda / mu;
  const first: number[] = [];
  let out = 0;
  for (const e of h.first) {
    const x = e.inputAt(nu);
    first.push(x);
    if (x > 0) out += e.outAt(x);
  }
  const second: number[] = [];
  for (const e of h.second) second.push(e.inputAt(mu));
  return { mu, first, second, produced: out };
}

/** Total input absorbed at marginal price lambda (no allocation: the root search's hot path). */
function totalAt(net: Network, lambda: number, memo?: HubMemo): number {
  let total = 0;
  for (const e of net.direct) total += e.inputAt(lambda);
  for (const h of net.hubs) {
    const mu = hubMu(h, lambda, memo);
    if (mu === 0) continue;
    const nu = lambda / mu;
    for (const e of h.first) total += e.inputAt(nu);
  }
  return total;
}

function flowAt(net: Network, lambda: number, memo?: HubMemo): { flow: Flow; total: number } {
  let total = 0;
  const direct: number[] = [];
  for (const e of net.direct) {
    const x = e.inputAt(lambda);
    total += x;
    direct.push(x);
  }
  const hubs: HubFlow[] = [];
  for (const h of net.hubs) {
    const f = hubAt(h, lambda, memo);
    for (const x of f.first) total += x;
    hubs.push(f);
  }
  return { flow: { lambda, direct, hubs }, total };
}

/** Best marginal price at zero size over all paths of the network. */
export function bestPathPrice(net: Network): number {
  let best = maxM0(net.direct);
  for (const h of net.hubs) best = Math.max(best, maxM0(h.first) * maxM0(h.second));
  return best;
}

/** Everything through the path with the best price at zero size (trades below float resolution). */
function bestPathFlow(net: Network, amountIn: number, lambda: number): Flow {
  const best = bestPathPrice(net);
  const direct = net.direct.map(() => 0);
  const hubs = net.hubs.map((h) => ({
    mu: maxM0(h.second),
    first: h.first.map(() => 0),
    second: h.second.map(() => 0),
    produced: 0,
  }));
  const d = net.direct.findIndex((e) => e.m0 === best);
  if (d >= 0) direct[d] = amountIn;
  else {
    const i = net.hubs.findIndex((h) => maxM0(h.first) * maxM0(h.second) === best);
    const h = net.hubs[i];
    const f = hubs[i];
    if (h && f) {
      f.first[h.first.findIndex((e) => e.m0 === maxM0(h.first))] = amountIn;
      f.second[h.second.findIndex((e) => e.m0 === maxM0(h.second))] = 1;
    }
  }
  return { lambda, direct, hubs };
}

/** Optimal continuous split of amountIn (float, base units) over the network, ignoring gas. */
export function solveFlow(net: Network, amountIn: number, amountInExact: bigint): Flow {
  const hi = bestPathPrice(net);
  if (net.hubs.length === 0 && net.direct.every((e) => e.cp)) return waterFill(net, amountIn);
  const memo: HubMemo = new Map();
  let lo = hi / 2;
  for (;;) {
    const total = totalAt(net, lo, memo);
    if (total >= amountIn) break;
    if (lo < hi * 1e-40) throw new InsufficientLiquidityError(amountInExact, total);
    lo /= 64;
  }
  // f(a) <= 0: the flow at a absorbs at least amountIn. At the limit of float resolution (a trade tiny against the
  // pools' depth, lambda within ~1e-16 of the spot price) the side at b may absorb almost nothing; then the flow at
  // a is used, and the exact allocation scales it down to amountIn.
  const [a, b, fa, fb] = findBracket((l) => amountIn - totalAt(net, l, memo), lo, hi, REL_TOL);
  const atB = flowAt(net, b, memo);
  if (fb === fa || amountIn - atB.total <= amountIn * 1e-9) return atB.flow;
  const atA = flowAt(net, a, memo);
  return atA.total > 0 ? atA.flow : bestPathFlow(net, amountIn, a);
}

/**
 * Closed form for parallel constant-product pools: with s = 1/sqrt(lambda), pool i takes (s - a_i)/b_i when s > a_i,
 * so over the k best pools s = (X + sum a_i/b_i) / sum 1/b_i; the active set is the longest prefix consistent with s.
 */
function waterFill(net: Network, amountIn: number): Flow {
  const order = net.direct.map((_, i) => i).sort((i, j) => (net.direct[i]?.cp?.a ?? 0) - (net.direct[j]?.cp?.a ?? 0));
  let num = amountIn;
  let den = 0;
  let s = 0;
  for (let k = 0; k < order.length; k++) {
    const cp = net.direct[order[k] as number]?.cp;
    if (!cp) break;
    num += cp.a / cp.b;
    den += 1 / cp.b;
    s = num / den;
    const next = net.direct[order[k + 1] as number]?.cp;
    if (!next || s <= next.a) break;
  }
  const direct = net.direct.map((e) => (e.cp && s > e.cp.a ? (s - e.cp.a) / e.cp.b : 0));
  // Below float resolution (a trade of a few units against deep pools) s rounds to a_1: all to the best pool.
  if (!direct.some((x) => x > 0)) direct[order[0] as number] = amountIn;
  return { lambda: 1 / (s * s), direct, hubs: [] };
}
