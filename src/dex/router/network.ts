/**
 * Candidate network of a trade: direct pools of the pair, and per hub token the pools tokenIn -> hub (first hops)
 * and hub -> tokenOut (second hops). Every pool is used in one direction of one pair only: a pool holding both
 * tokenIn and tokenOut is direct; a multi-asset pool that could serve several hubs serves the one with the best
 * path price at zero size (SwapPool prices one pair at a time, so two roles on one pool could not be priced exactly).
 */
import type { Address, SwapPool } from '../pools/types.ts';
import { type Edge, makeEdge } from './edge.ts';

export interface HubGroup {
  readonly token: Address;
  readonly first: readonly Edge[];
  readonly second: readonly Edge[];
}

export interface Network {
  readonly direct: readonly Edge[];
  readonly hubs: readonly HubGroup[];
}

const lower = (a: string): string => a.toLowerCase();

/**
 * Token -> pools index, built once per pools array (keyed by identity; SwapPool objects are immutable snapshots,
 * so a new block means a new array). Lets a route touch only the pools of its two tokens, not all m pools.
 */
const indexes = new WeakMap<readonly SwapPool[], { length: number; byToken: Map<string, SwapPool[]> }>();
function poolsOf(pools: readonly SwapPool[], token: string): readonly SwapPool[] {
  let idx = indexes.get(pools);
  if (!idx || idx.length !== pools.length) {
    const byToken = new Map<string, SwapPool[]>();
    for (const p of pools)
      for (const t of new Set(p.tokens.map(lower))) {
        const list = byToken.get(t);
        if (list) list.push(p);
        else byToken.set(t, [p]);
      }
    idx = { length: pools.length, byToken };
    indexes.set(pools, idx);
  }
  return idx.byToken.get(token) ?? [];
}

export function buildNetwork(
  pools: readonly SwapPool[],
  tokenIn: Address,
  tokenOut: Address,
  hubs: readonly Address[] | undefined,
): Network {
  const inKey = lower(tokenIn);
  const outKey = lower(tokenOut);
  const hubFilter = hubs ? new Set(hubs.map(lower)) : undefined;
  const direct: Edge[] = [];
  // Candidate roles of pools that are not direct: side 0 = first hop (in -> hub), 1 = second hop (hub -> out).
  const roles = new Map<string, { pool: SwapPool; side: 0 | 1; hubs: Address[] }>();
  const seen = new Set<string>();
  for (const pool of [...poolsOf(pools, inKey), ...poolsOf(pools, outKey)]) {
    if (seen.has(pool.id)) continue;
    seen.add(pool.id);
    let hasIn: Address | undefined;
    let hasOut: Address | undefined;
    const keys = pool.tokens.map(lower);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === inKey) hasIn = pool.tokens[i];
      else if (keys[i] === outKey) hasOut = pool.tokens[i];
    }
    if (hasIn && hasOut) {
      const e = makeEdge(pool, hasIn, hasOut);
      if (e) direct.push(e);
      continue;
    }
    if (!hasIn && !hasOut) continue;
    const others = pool.tokens.filter((_, i) => {
      const k = keys[i] as string;
      return k !== inKey && k !== outKey && (!hubFilter || hubFilter.has(k));
    });
    if (others.length > 0) roles.set(pool.id, { pool, side: hasIn ? 0 : 1, hubs: others });
  }
  // Hub token -> edges per side, built lazily.
  const byHub = new Map<string, { token: Address; first: Edge[]; second: Edge[] }>();
  const group = (h: Address) => {
    const k = lower(h);
    let g = byHub.get(k);
    if (!g) {
      g = { token: h, first: [], second: [] };
      byHub.set(k, g);
    }
    return g;
  };
  const tIn = tokenIn;
  const tOut = tokenOut;
  const pending: { pool: SwapPool; side: 0 | 1; hubs: Address[] }[] = [];
  for (const r of roles.values()) {
    if (r.hubs.length === 1) {
      const h = r.hubs[0] as Address;
      const e =
        r.side === 0 ? makeEdge(r.pool, poolToken(r.pool, tIn), h) : makeEdge(r.pool, h, poolToken(r.pool, tOut));
      if (e) (r.side === 0 ? group(h).first : group(h).second).push(e);
    } else pending.push(r);
  }
  // Multi-asset pools: choose the hub whose best complementary hop gives the best path price at zero.
  const bestM0 = (edges: readonly Edge[] | undefined): number => (edges ?? []).reduce((m, e) => Math.max(m, e.m0), 0);
  for (const r of pending) {
    let best: Edge | undefined;
    let bestScore = 0;
    let bestHub: Address | undefined;
    for (const h of r.hubs) {
      const e =
        r.side === 0 ? makeEdge(r.pool, poolToken(r.pool, tIn), h) : makeEdge(r.pool, h, poolToken(r.pool, tOut));
      if (!e) continue;
      const g = byHub.get(lower(h));
      const score = e.m0 * bestM0(r.side === 0 ? g?.second : g?.first);
      if (!best || score > bestScore) {
        best = e;
        bestScore = score;
        bestHub = h;
      }
    }
    if (best && bestHub) (r.side === 0 ? group(bestHub).first : group(bestHub).second).push(best);
  }
  const hubGroups = [...byHub.values()].filter((g) => g.first.length > 0 && g.second.length > 0);
  return { direct, hubs: hubGroups };
}

/** The pool's own spelling of a token address (case may differ from the request). */
function poolToken(pool: SwapPool, token: Address): Address {
  const k = lower(token);
  return pool.tokens.find((t) => lower(t) === k) ?? token;
}

/** The network without the given pools; hubs left with an empty side disappear. */
export function withoutPools(net: Network, excluded: ReadonlySet<string>): Network {
  if (excluded.size === 0) return net;
  const keep = (e: Edge) => !excluded.has(e.pool.id);
  return {
    direct: net.direct.filter(keep),
    hubs: net.hubs
      .map((h) => ({ token: h.token, first: h.first.filter(keep), second: h.second.filter(keep) }))
      .filter((h) => h.first.length > 0 && h.second.length > 0),
  };
}

export function allEdges(net: Network): Edge[] {
  const out: Edge[] = [...net.direct];
  for (const h of net.hubs) out.push(...h.first, ...h.second);
  return out;
}
