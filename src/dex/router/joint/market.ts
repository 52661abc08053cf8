/**
 * A snapshot of pools prepared once per block for joint routing (issue #18): the exact SwapPool of every state
 * (bigint math, equal to the chain), its float curves for every ordered token pair, and a token index. Pools are
 * immutable snapshots, so a Market is reused by every route of that block.
 */
import { createPool } from '../../pools/index.ts';
import type { Address, AnyPoolState, Protocol, SwapPool } from '../../pools/types.ts';
import { v3View } from '../../pools/uniswap-v4.ts';
import { type PairCurve, v2Curve, weightedCurve } from './curve.ts';
import { stableCurve } from './curve-stable.ts';
import { v3Curve } from './curve-v3.ts';

export interface MarketPool {
  readonly id: string;
  readonly protocol: Protocol;
  readonly state: AnyPoolState;
  readonly pool: SwapPool;
  /** Market token index of each pool token, in pool order. */
  readonly tokens: readonly number[];
  /** curves[a][b]: pool token a → pool token b (undefined on the diagonal). */
  readonly curves: readonly (readonly (PairCurve | undefined)[])[];
}

export interface Market {
  /** Lower-case token addresses; a token's index is its position. */
  readonly tokens: readonly Address[];
  readonly index: ReadonlyMap<string, number>;
  readonly pools: readonly MarketPool[];
  /** Pools holding each token (indices into pools). */
  readonly byToken: readonly (readonly number[])[];
  /** Pools the joint router leaves out (Curve-style pools have no on-chain counterpart here), with the reason. */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
}

function curvesOf(state: AnyPoolState, n: number): (PairCurve | undefined)[][] {
  const c: (PairCurve | undefined)[][] = Array.from({ length: n }, () => new Array<PairCurve | undefined>(n));
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      switch (state.kind) {
        case 'uniswap-v2':
          c[a]![b] = v2Curve(state, a === 0);
          break;
        case 'uniswap-v3':
          c[a]![b] = v3Curve(state, a === 0);
          break;
        case 'uniswap-v4': // the same concentrated-liquidity curve
          c[a]![b] = v3Curve(v3View(state), a === 0);
          break;
        case 'balancer-weighted':
          c[a]![b] = weightedCurve(state, a, b);
          break;
        case 'balancer-stable':
          c[a]![b] = stableCurve(state, a, b);
          break;
        case 'curve-stable':
          break;
      }
    }
  return c;
}

function tokensOf(s: AnyPoolState): readonly Address[] {
  return 'token0' in s ? [s.token0, s.token1] : s.tokens;
}

/** `gas` overrides a pool's typical gas per leg (by lower-case pool address). */
export function prepareMarket(states: readonly AnyPoolState[], gas?: ReadonlyMap<string, number>): Market {
  const tokens: Address[] = [];
  const index = new Map<string, number>();
  const pools: MarketPool[] = [];
  const skipped: { id: string; reason: string }[] = [];
  for (const state of states) {
    const id = state.address.toLowerCase();
    if (state.kind === 'curve-stable') {
      skipped.push({ id, reason: 'Curve-style pools are off-chain only (no executor leg)' });
      continue;
    }
    const ts = tokensOf(state).map((t) => {
      const k = t.toLowerCase();
      let i = index.get(k);
      if (i === undefined) {
        i = tokens.length;
        index.set(k, i);
        tokens.push(k as Address);
      }
      return i;
    });
    const pool = createPool(state, gas?.get(id));
    pools.push({ id, protocol: pool.protocol, state, pool, tokens: ts, curves: curvesOf(state, ts.length) });
  }
  const byToken: number[][] = tokens.map(() => []);
  pools.forEach((p, k) => {
    for (const t of p.tokens) byToken[t]!.push(k);
  });
  return { tokens, index, pools, byToken, skipped };
}
