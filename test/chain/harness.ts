/**
 * Differential-test harness: seeded log-uniform swap sizes per pool and direction, off-chain amounts from
 * src/dex/pools compared with the chain's own quotes at the same block.
 */
import type { Address } from 'viem';
import type { FixturePool } from '../../src/chain/fixture/types.ts';
import type { PoolState, SwapPool } from '../../src/dex/pools/types.ts';
import type { ChainQuote, SwapCase } from './onchain.ts';

/** mulberry32: small seeded PRNG, so every run draws the same swaps. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** cap · f with f log-uniform in [1e-6, 1] (at least 1 base unit). */
export function logUniform(rand: () => number, cap: bigint): bigint {
  const f = 1e-6 * 1e6 ** rand();
  const amount = (cap * BigInt(Math.round(f * 1e12))) / 10n ** 12n;
  return amount > 0n ? amount : 1n;
}

/** Every ordered token pair of a pool (both directions). */
export function directions(pool: FixturePool): [Address, Address][] {
  const out: [Address, Address][] = [];
  for (const a of pool.tokens) for (const b of pool.tokens) if (a !== b) out.push([a, b]);
  return out;
}

/** Spreads `total` swaps over pools and directions, sizes log-uniform up to capOf(pool, state, tokenIn). */
export function drawCases(
  pools: readonly FixturePool[],
  states: ReadonlyMap<string, PoolState>,
  total: number,
  seed: number,
  capOf: (pool: FixturePool, state: PoolState, tokenIn: Address, tokenOut: Address) => bigint,
): SwapCase[] {
  const rand = prng(seed);
  const slots = pools.flatMap((pool) => directions(pool).map(([tokenIn, tokenOut]) => ({ pool, tokenIn, tokenOut })));
  const cases: SwapCase[] = [];
  for (let k = 0; k < total; k++) {
    const s = slots[k % slots.length];
    const state = states.get(s.pool.address.toLowerCase());
    if (!state) throw new Error(`no state read for ${s.pool.label}`);
    cases.push({ ...s, amountIn: logUniform(rand, capOf(s.pool, state, s.tokenIn, s.tokenOut)) });
  }
  return cases;
}

export interface Comparison {
  readonly swaps: number;
  /** Both sides produced an amount. */
  readonly compared: number;
  /** Chain reverted and the math said impossible (0n or a ChainRevert error). */
  readonly bothRejected: number;
  readonly exact: number;
  readonly maxAbsDiff: bigint;
  /** Cases beyond the tolerance (first few, for the failure message). */
  readonly failures: string[];
}

/** Off-chain amount; null when the math says the chain would revert (0n or a thrown ChainRevert). */
export function offChainOut(pool: SwapPool, c: SwapCase): bigint | null {
  try {
    const out = pool.amountOut(c.tokenIn, c.tokenOut, c.amountIn);
    return out === 0n ? null : out;
  } catch (e) {
    if ((e as Error).name === 'ChainRevert') return null;
    throw e;
  }
}

export function compare(
  cases: readonly SwapCase[],
  chain: readonly ChainQuote[],
  poolOf: (c: SwapCase) => SwapPool,
  toleranceWei: bigint,
): Comparison {
  let compared = 0;
  let bothRejected = 0;
  let exact = 0;
  let maxAbsDiff = 0n;
  const failures: string[] = [];
  cases.forEach((c, k) => {
    const on = chain[k].amountOut;
    const off = offChainOut(poolOf(c), c);
    const where = `${c.pool.label} ${c.tokenIn.slice(0, 8)}→${c.tokenOut.slice(0, 8)} in=${c.amountIn}`;
    if (on === null || off === null) {
      if (on === null && off === null) bothRejected++;
      else if (failures.length < 10) failures.push(`${where}: chain=${on} math=${off}`);
      return;
    }
    compared++;
    const d = on > off ? on - off : off - on;
    if (d === 0n) exact++;
    if (d > maxAbsDiff) maxAbsDiff = d;
    if (d > toleranceWei && failures.length < 10) failures.push(`${where}: chain=${on} math=${off} (diff ${d})`);
  });
  return { swaps: cases.length, compared, bothRejected, exact, maxAbsDiff, failures };
}
