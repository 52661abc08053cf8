/**
 * Which pools to pay gas for. Both searches score pools by their surplus at the current optimum's prices
 * (lambda for tokenIn, mu_h for hub h): by LP duality, removing a used pool loses at least its surplus, and adding an
 * unused one gains at most its surplus. Only pools whose bound does not settle the question are re-solved exactly.
 */
import type { ExactAllocation } from './allocate.ts';
import type { Edge } from './edge.ts';
import { allEdges, type Network, withoutPools } from './network.ts';
import { type Flow, hubAt } from './solve.ts';

export interface Candidate {
  readonly net: Network;
  readonly flow: Flow;
  readonly alloc: ExactAllocation;
  readonly gas: number;
  readonly gasCostOut: bigint;
  readonly netOut: bigint;
  readonly excluded: ReadonlySet<string>;
}

export type Evaluate = (net: Network, excluded: ReadonlySet<string>) => Candidate;

/** Lower bound on the output lost by removing each used pool: its surplus at the optimum's prices (LP duality). */
function surpluses(c: Candidate): Map<string, { surplus: number; gas: number; hub?: string }> {
  const out = new Map<string, { surplus: number; gas: number; hub?: string }>();
  const x = new Map<Edge, number>();
  for (const s of c.alloc.swaps) x.set(s.edge, Number(s.amountIn));
  const add = (e: Edge, inPrice: number, outPrice: number, hub?: string) => {
    const a = x.get(e);
    if (a === undefined) return;
    out.set(e.pool.id, { surplus: outPrice * e.outAt(a) - inPrice * a, gas: e.pool.gas, ...(hub ? { hub } : {}) });
  };
  for (const e of c.net.direct) add(e, c.flow.lambda, 1);
  c.net.hubs.forEach((h, i) => {
    const mu = c.flow.hubs[i]?.mu ?? 0;
    for (const e of h.first) add(e, c.flow.lambda, mu, h.token);
    for (const e of h.second) add(e, mu, 1, h.token);
  });
  return out;
}

export function dropUnpaidLegs(start: Candidate, unit: number, evaluate: Evaluate): Candidate {
  let cur = start;
  for (let round = 0; round < 10_000; round++) {
    const s = surpluses(cur);
    if (s.size <= 1) break;
    // Single pools, and whole hubs (all their used pools at once), tried in order of how far their surplus falls
    // short of their gas; the first removal that raises the exact net output is taken (first-improvement search).
    const trials: { ids: string[]; deficit: number }[] = [];
    const hubs = new Map<string, { ids: string[]; surplus: number; gas: number }>();
    for (const [id, v] of s) {
      const cost = v.gas * unit;
      if (v.surplus < cost * (1 + 1e-9) + 1) trials.push({ ids: [id], deficit: v.surplus - cost });
      if (v.hub) {
        const h = hubs.get(v.hub) ?? { ids: [], surplus: 0, gas: 0 };
        h.ids.push(id);
        h.surplus += v.surplus;
        h.gas += v.gas;
        hubs.set(v.hub, h);
      }
    }
    for (const h of hubs.values()) {
      const cost = h.gas * unit;
      if (h.ids.length > 1 && h.ids.length < s.size && h.surplus < cost * (1 + 1e-9) + 1)
        trials.push({ ids: h.ids, deficit: h.surplus - cost });
    }
    trials.sort((a, b) => a.deficit - b.deficit);
    let next: Candidate | undefined;
    for (const { ids } of trials) {
      const excluded = new Set([...cur.excluded, ...ids]);
      const net = withoutPools(cur.net, new Set(ids));
      if (net.direct.length === 0 && net.hubs.length === 0) continue;
      const c = evaluate(net, excluded);
      if (c.netOut > cur.netOut) {
        next = c;
        break;
      }
    }
    if (!next) break;
    cur = next;
  }
  return cur;
}

/**
 * Greedy addition from a small route (the best single path): add the pool, or the best first+second hop pair of a
 * hub not yet used, whose surplus bound exceeds its gas: tried best bound first, the first exact improvement is taken.
 */
export function addProfitableLegs(start: Candidate, full: Network, unit: number, evaluate: Evaluate): Candidate {
  let cur = start;
  for (let round = 0; round < 10_000; round++) {
    const lambda = cur.flow.lambda;
    const mu = new Map<string, number>();
    cur.net.hubs.forEach((h, i) => {
      const m = cur.flow.hubs[i]?.mu;
      if (m && m > 0) mu.set(h.token, m);
    });
    const kept = new Set(allEdges(cur.net).map((e) => e.pool.id));
    const trials: { ids: string[]; gain: number }[] = [];
    const consider = (ids: string[], surplus: number, gas: number) => {
      const gain = surplus - gas * unit;
      if (gain > 0) trials.push({ ids, gain });
    };
    const edgeSurplus = (e: Edge, inPrice: number, outPrice: number): number => {
      if (!(e.m0 * outPrice > inPrice)) return 0;
      const x = e.inputAt(inPrice / outPrice);
      return x > 0 ? outPrice * e.outAt(x) - inPrice * x : 0;
    };
    for (const e of full.direct) if (!kept.has(e.pool.id)) consider([e.pool.id], edgeSurplus(e, lambda, 1), e.pool.gas);
    for (const h of full.hubs) {
      const m = mu.get(h.token);
      if (m !== undefined) {
        for (const e of h.first) if (!kept.has(e.pool.id)) consider([e.pool.id], edgeSurplus(e, lambda, m), e.pool.gas);
        for (const e of h.second) if (!kept.has(e.pool.id)) consider([e.pool.id], edgeSurplus(e, m, 1), e.pool.gas);
        continue;
      }
      // A new hub: its best pair by price at zero, as a two-pool path.
      let a: Edge | undefined;
      let b: Edge | undefined;
      for (const e of h.first) if (!a || e.m0 > a.m0) a = e;
      for (const e of h.second) if (!b || e.m0 > b.m0) b = e;
      if (!a || !b || !(a.m0 * b.m0 > lambda)) continue;
      const f = hubAt({ token: h.token, first: [a], second: [b] }, lambda);
      const x = f.first[0] ?? 0;
      const y = f.second[0] ?? 0;
      consider([a.pool.id, b.pool.id], b.outAt(y) - lambda * x, a.pool.gas + b.pool.gas);
    }
    if (trials.length === 0) break;
    trials.sort((p, q) => q.gain - p.gain);
    let next: Candidate | undefined;
    for (const { ids } of trials) {
      const excluded = new Set([...cur.excluded].filter((id) => !ids.includes(id)));
      const c = evaluate(withoutPools(full, excluded), excluded);
      if (c.netOut > cur.netOut) {
        next = c;
        break;
      }
    }
    if (!next) break;
    cur = next;
  }
  return cur;
}
