/**
 * From the dual's pool flows to executable legs (issue #18): one swap per pool, in execution order, with exact
 * amounts simulated on the snapshot. Tokens are processed in topological order of the flow graph (sold tokens
 * first). A sold token spends exactly its amount (less only if pool caps bind) plus what legs before produced
 * of it; an intermediate token spends exactly what the legs before produced; a bought token that is also forwarded spends the planned fraction of
 * what it received. Each token's spend is split over its outgoing pools in proportion to the dual's flows
 * (floors, remainders to the largest shares, never above a pool's maxIn); each leg's output is the pool's exact
 * bigint amountOut (v3: the exact swap loop, which also counts the ticks crossed).
 */
import type { Address } from '../../pools/types.ts';
import type { createV3Pool } from '../../pools/uniswap-v3.ts';
import type { Flows } from './dual.ts';
import type { Problem } from './problem.ts';
import type { JointLeg } from './types.ts';

/** Gas of one initialized v3 tick crossed (a cold tick's storage reads and writes; ~20–30k measured). */
export const V3_TICK_GAS = 25_000;

/** Flows worth less than this fraction of the plan's value are dropped (float residue of the dual, not trades). */
const DUST = 1e-10;

export interface Execution {
  readonly legs: JointLeg[];
  /** Exact amount spent per local token (sold tokens). */
  readonly spent: bigint[];
  /** Exact amount received per local token (final outputs plus leftovers). */
  readonly received: bigint[];
  /** Executor-held leftovers per local token. */
  readonly leftover: bigint[];
  readonly hops: number;
}

type V3Like = ReturnType<typeof createV3Pool>;

/** Pools on the shortest path of legs from a sold token to each final output, at most over the outputs. */
function longestShortestPath(pr: Problem, legs: readonly JointLeg[]): number {
  const dist = new Map<string, number>();
  const queue: string[] = [];
  pr.sellExact.forEach((s, i) => {
    if (s > 0n) {
      const t = pr.market.tokens[pr.tokens[i]!]!;
      dist.set(t, 0);
      queue.push(t);
    }
  });
  for (let q = 0; q < queue.length; q++) {
    const t = queue[q]!;
    for (const l of legs)
      if (l.tokenIn === t && !dist.has(l.tokenOut)) {
        dist.set(l.tokenOut, dist.get(t)! + 1);
        queue.push(l.tokenOut);
      }
  }
  let hops = 0;
  for (const l of legs) if (l.final) hops = Math.max(hops, dist.get(l.tokenOut) ?? 0);
  return hops;
}

function split(total: bigint, weights: readonly number[], caps: readonly bigint[]): bigint[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const out = weights.map(() => 0n);
  if (total <= 0n || !(sum > 0)) return out;
  let left = total;
  const rem: { k: number; r: number }[] = [];
  weights.forEach((w, k) => {
    const exact = (Number(total) * w) / sum;
    let v = BigInt(Math.floor(exact));
    if (v > caps[k]!) v = caps[k]!;
    if (v > left) v = left;
    out[k] = v;
    left -= v;
    rem.push({ k, r: exact - Number(v) });
  });
  rem.sort((p, q) => q.r - p.r || weights[q.k]! - weights[p.k]!);
  // the rounding (and anything a cap refused) goes to the largest remainders with room
  for (let pass = 0; pass < 2 && left > 0n; pass++)
    for (const { k } of rem) {
      if (left === 0n) break;
      const room = caps[k]! - out[k]!;
      const want = pass === 0 ? 1n : left;
      const add = want < room ? want : room;
      if (add > 0n) {
        out[k] = out[k]! + add;
        left -= add;
      }
    }
  return out;
}

export function execute(pr: Problem, f: Flows): Execution {
  const L = pr.tokens.length;
  const addr = (i: number) => pr.market.tokens[pr.tokens[i]!]! as Address;
  const active: number[] = [];
  for (let k = 0; k < pr.pools.length; k++) {
    if (f.a[k]! < 0) continue;
    const p = pr.pools[k]!;
    if (f.x[k]! * pr.nu0[p.loc[f.a[k]!]!]! < DUST) continue;
    active.push(k);
  }
  const inflow = new Float64Array(L);
  const outflow = new Float64Array(L);
  const outs: number[][] = Array.from({ length: L }, () => []);
  const indeg = new Int32Array(L);
  for (const k of active) {
    const p = pr.pools[k]!;
    const a = p.loc[f.a[k]!]!;
    const b = p.loc[f.b[k]!]!;
    outflow[a] = outflow[a]! + f.x[k]!;
    inflow[b] = inflow[b]! + f.y[k]!;
    outs[a]!.push(k);
    indeg[b] = indeg[b]! + 1;
  }
  const held = new Array<bigint>(L).fill(0n);
  const received = new Array<bigint>(L).fill(0n);
  const spent = new Array<bigint>(L).fill(0n);
  const pulled = new Uint8Array(L);
  const legs: JointLeg[] = [];
  const final = (b: number) => outs[b]!.length === 0;
  const finalOf = Uint8Array.from({ length: L }, (_, i) => (final(i) ? 1 : 0));
  const left = outs.map((ks) => [...ks].sort((p, q) => f.x[q]! - f.x[p]!));
  /**
   * Runs token u's remaining flows (all of them once every flow into u has run), or just flow `only` when a
   * cycle (an arbitrage loop through u) must be entered before u has received everything: that flow gets its
   * planned amount and u's other flows later share what is held then.
   */
  const run = (u: number, only?: number): void => {
    const ks = only === undefined ? left[u]! : [only];
    left[u] = only === undefined ? [] : left[u]!.filter((k) => k !== only);
    let spend: bigint;
    if (pr.sellExact[u]! > 0n && !pulled[u]) {
      pulled[u] = 1;
      // pull the whole sell unless the pools' caps left part of it unrouted; spend it with what arrived
      const s = pr.sellExact[u]!;
      const need = outflow[u]! - inflow[u]!;
      let pull = outflow[u]! >= (pr.sell[u]! + inflow[u]!) * (1 - 1e-9) ? s : BigInt(Math.floor(Math.max(0, need)));
      if (pull > s) pull = s;
      spent[u] = pull;
      held[u] = held[u]! + pull;
    }
    if (only !== undefined) spend = BigInt(Math.floor(f.x[only]!));
    else if (pr.target[u]! > 0) {
      const frac = inflow[u]! > 0 ? Math.min(1, outflow[u]! / inflow[u]!) : 0;
      spend = BigInt(Math.floor(Number(held[u]!) * frac));
    } else spend = held[u]!;
    if (spend > held[u]!) spend = held[u]!;
    for (const k of ks) {
      const b = pr.pools[k]!.loc[f.b[k]!]!;
      indeg[b] = indeg[b]! - 1;
    }
    const caps = ks.map((k) => {
      const p = pr.pools[k]!;
      const c = p.mp.pool.maxIn(addr(p.loc[f.a[k]!]!), addr(p.loc[f.b[k]!]!));
      return Number.isFinite(c) ? BigInt(Math.floor(c)) : 1n << 255n;
    });
    const amounts = split(
      spend,
      ks.map((k) => f.x[k]!),
      caps,
    );
    ks.forEach((k, n) => {
      if (amounts[n]! <= 0n) return;
      const p = pr.pools[k]!;
      const a = p.loc[f.a[k]!]!;
      const b = p.loc[f.b[k]!]!;
      const tin = addr(a);
      const tout = addr(b);
      let amountIn = amounts[n]!;
      let amountOut: bigint;
      let ticksCrossed = 0;
      if (p.mp.protocol === 'uniswap-v3' || p.mp.protocol === 'uniswap-v4') {
        let r = (p.mp.pool as V3Like).swap(tin, tout, amountIn);
        // the pool runs out of liquidity first (float maxIn rounding): take exactly what it takes
        if (r.amountIn < amountIn) {
          amountIn = r.amountIn;
          if (amountIn <= 0n) return;
          r = (p.mp.pool as V3Like).swap(tin, tout, amountIn);
        }
        amountOut = r.amountOut;
        ticksCrossed = r.ticksCrossed;
      } else amountOut = p.mp.pool.amountOut(tin, tout, amountIn);
      if (amountOut <= 0n) return;
      held[a] = held[a]! - amountIn;
      const final = finalOf[b] === 1;
      if (final) received[b] = received[b]! + amountOut;
      else held[b] = held[b]! + amountOut;
      legs.push({
        pool: p.mp.id,
        protocol: p.mp.protocol,
        tokenIn: tin,
        tokenOut: tout,
        amountIn,
        amountOut,
        final,
        ticksCrossed,
        gas: p.mp.pool.gas + ticksCrossed * V3_TICK_GAS,
      });
    });
  };
  for (;;) {
    let pick = -1;
    for (let i = 0; i < L; i++)
      if (left[i]!.length > 0 && indeg[i] === 0 && (pick < 0 || pr.sell[i]! > pr.sell[pick]!)) pick = i;
    if (pick >= 0) {
      run(pick);
      continue;
    }
    // only cycles remain: enter one at the token with the most in hand, by its largest flow
    for (let i = 0; i < L; i++) {
      if (left[i]!.length === 0) continue;
      const have = Number(held[i]!) + (pulled[i] ? 0 : pr.sell[i]!);
      if (
        have > 0 &&
        (pick < 0 || have * pr.nu0[i]! > (Number(held[pick]!) + (pulled[pick] ? 0 : pr.sell[pick]!)) * pr.nu0[pick]!)
      )
        pick = i;
    }
    if (pick < 0) break;
    run(pick, left[pick]![0]!);
  }
  // what a sold token did not spend was never pulled; everything else the executor holds returns to the owner
  const leftover = held.slice();
  for (let i = 0; i < L; i++) received[i] = received[i]! + leftover[i]!;
  return { legs, spent, received, leftover, hops: longestShortestPath(pr, legs) };
}
