/**
 * The joint routing problem of one request (issue #18): the candidate pools (every pool pair on some path of at
 * most `maxHops` pools from a sold to a bought token), the tokens they touch, and per token its sold amount, its
 * target (base units: value / price) and a starting price (the oracle's, else propagated through pool spots).
 * Prices are scaled by the plan's value V, so the dual's objective is the fraction of the targets obtained.
 */
import { NoRouteError, RouteRequestError } from '../errors.ts';
import type { Market, MarketPool } from './market.ts';
import type { JointRequest } from './types.ts';

export interface ProblemPool {
  readonly mp: MarketPool;
  /** Local token index of each pool token (-1: not in the problem). */
  readonly loc: Int32Array;
  /** Allowed unordered pairs of pool-token indices, flattened [a0, b0, a1, b1, …]. */
  readonly pairs: Int32Array;
}

export interface Problem {
  readonly market: Market;
  /** Market index of each local token. */
  readonly tokens: readonly number[];
  readonly pools: readonly ProblemPool[];
  readonly sell: Float64Array;
  readonly sellExact: readonly bigint[];
  readonly target: Float64Array;
  /** Starting dual price per base unit, scaled by 1/V. */
  readonly nu0: Float64Array;
  /** Numeraire per base unit (oracle, else propagated). */
  readonly price: Float64Array;
  /** The bought token whose price is eliminated by the normalization Σ target·ν = 1. */
  readonly anchor: number;
  /** V: the plan's value of the targets, numeraire. */
  readonly value: number;
}

function bfs(market: Market, starts: readonly number[], exclude: ReadonlySet<string>): Int32Array {
  const d = new Int32Array(market.tokens.length).fill(1 << 20);
  const queue = [...starts];
  for (const s of starts) d[s] = 0;
  for (let q = 0; q < queue.length; q++) {
    const t = queue[q]!;
    for (const pi of market.byToken[t]!) {
      const p = market.pools[pi]!;
      if (exclude.has(p.id)) continue;
      for (const u of p.tokens)
        if (d[u]! > d[t]! + 1) {
          d[u] = d[t]! + 1;
          queue.push(u);
        }
    }
  }
  return d;
}

/**
 * `pairOf` restricts a multi-token pool to one pair (pool-token indices, by pool id): a pool trades one pair,
 * and with several allowed the dual is a maximum over pairs, whose kinks stall the solver (route-joint.ts).
 */
export function buildProblem(r: JointRequest, pairOf?: ReadonlyMap<string, readonly [number, number]>): Problem {
  const m = r.market;
  const exclude = r.exclude ?? new Set<string>();
  const maxHops = r.maxHops ?? 3;
  const idx = (t: string, field: string): number => {
    const i = m.index.get(t.toLowerCase());
    if (i === undefined) throw new RouteRequestError(field, `token ${t} is in no pool of the market`);
    return i;
  };
  if (r.sells.length === 0) throw new RouteRequestError('sells', 'is empty');
  if (r.buys.length === 0) throw new RouteRequestError('buys', 'is empty');
  const sells = r.sells.map((s, k) => {
    if (s.amount <= 0n) throw new RouteRequestError(`sells[${k}].amount`, `must be positive, got ${s.amount}`);
    return idx(s.token, `sells[${k}].token`);
  });
  const buys = r.buys.map((b, k) => {
    if (!(b.value > 0)) throw new RouteRequestError(`buys[${k}].value`, `must be positive, got ${b.value}`);
    return idx(b.token, `buys[${k}].token`);
  });
  for (const b of buys) if (sells.includes(b)) throw new RouteRequestError('buys', `token ${m.tokens[b]} is also sold`);
  const dS = bfs(m, sells, exclude);
  const dB = bfs(m, buys, exclude);
  const local = new Map<number, number>();
  const tokens: number[] = [];
  const add = (t: number) => {
    if (!local.has(t)) {
      local.set(t, tokens.length);
      tokens.push(t);
    }
  };
  for (const t of [...sells, ...buys]) add(t);
  const chosen: { mp: MarketPool; pairs: number[] }[] = [];
  for (const mp of m.pools) {
    if (exclude.has(mp.id)) continue;
    const pairs: number[] = [];
    const n = mp.tokens.length;
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) {
        const ta = mp.tokens[a]!;
        const tb = mp.tokens[b]!;
        const only = pairOf?.get(mp.id);
        if (only && !((only[0] === a && only[1] === b) || (only[0] === b && only[1] === a))) continue;
        if (dS[ta]! + 1 + dB[tb]! <= maxHops || dS[tb]! + 1 + dB[ta]! <= maxHops) pairs.push(a, b);
      }
    if (pairs.length === 0) continue;
    for (let k = 0; k < pairs.length; k++) add(mp.tokens[pairs[k]!]!);
    chosen.push({ mp, pairs });
  }
  for (const s of sells) if (dB[s]! > maxHops) throw new NoRouteError(m.tokens[s]!, 'any bought token');
  for (const b of buys) if (dS[b]! > maxHops) throw new NoRouteError('any sold token', m.tokens[b]!);
  const pools: ProblemPool[] = chosen.map(({ mp, pairs }) => ({
    mp,
    loc: Int32Array.from(mp.tokens, (t) => local.get(t) ?? -1),
    pairs: Int32Array.from(pairs),
  }));
  const L = tokens.length;
  const sell = new Float64Array(L);
  const sellExact: bigint[] = new Array<bigint>(L).fill(0n);
  r.sells.forEach((s, k) => {
    const i = local.get(sells[k]!)!;
    sellExact[i] = sellExact[i]! + s.amount;
    sell[i] = Number(sellExact[i]);
  });
  const price = new Float64Array(L).fill(Number.NaN);
  for (let i = 0; i < L; i++) {
    const p = r.prices.get(m.tokens[tokens[i]!]!);
    if (p !== undefined && p > 0) price[i] = p;
  }
  const target = new Float64Array(L);
  let value = 0;
  r.buys.forEach((b, k) => {
    const i = local.get(buys[k]!)!;
    if (!(price[i]! > 0)) throw new RouteRequestError(`prices`, `has no price for bought token ${b.token}`);
    target[i] = target[i]! + b.value / price[i]!;
    value += b.value;
  });
  for (const [k, s] of sells.entries())
    if (!(price[local.get(s)!]! > 0))
      throw new RouteRequestError('prices', `has no price for sold token ${r.sells[k]!.token}`);
  propagatePrices(pools, price);
  let anchor = local.get(buys[0]!)!;
  for (const b of buys) {
    const i = local.get(b)!;
    if (target[i]! * price[i]! > target[anchor]! * price[anchor]!) anchor = i;
  }
  const nu0 = Float64Array.from(price, (p) => p / value);
  return { market: m, tokens, pools, sell, sellExact, target, nu0, price, anchor, value };
}

/** Tokens without an oracle price get one from pool spot prices next to priced tokens (deepest-first is not needed: any spot is a start). */
function propagatePrices(pools: readonly ProblemPool[], price: Float64Array): void {
  for (let round = 0; round < price.length; round++) {
    let changed = false;
    for (const p of pools) {
      const n = p.loc.length;
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          const la = p.loc[a]!;
          const lb = p.loc[b]!;
          if (a === b || la < 0 || lb < 0 || price[la]! > 0 || !(price[lb]! > 0)) continue;
          const c = p.mp.curves[a]![b];
          if (c && c.spot > 0) {
            price[la] = price[lb]! * c.spot;
            changed = true;
          }
        }
    }
    if (!changed) break;
  }
  for (let i = 0; i < price.length; i++) if (!(price[i]! > 0)) price[i] = 1e-30;
}
