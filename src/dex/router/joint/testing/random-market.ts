/**
 * Random mixed pools for the joint router's tests and benchmark: Uniswap v2, v3 (three to five positions around
 * the price), Balancer weighted (50/50 or 80/20) and stable (two tokens) between tokens all worth $1 a whole
 * token with 6, 8 or 18 decimals. Each pool's price is skewed from $1 by at most 0.4 × its own fee, so no
 * arbitrage loop exists at spot (the plan's trades are the only reason to route).
 */
import type { Address, PoolState, V3Tick } from '../../../pools/types.ts';
import { getSqrtRatioAtTick, getTickAtSqrtRatio, MAX_TICK } from '../../../pools/v3-tick-math.ts';

export type Rng = () => number;
/** Kinds the random markets draw (v4 pools run the v3 math: covered by v3). */
export type PoolKind = Exclude<PoolState['kind'], 'uniswap-v4'>;

export const tokenAddr = (i: number): Address => `0x${(0xa0 + i).toString(16).padStart(40, '0')}`;
const poolAddr = (i: number): Address => `0x${(0x5000000 + i).toString(16).padStart(40, '0')}`;

export const decimalsOf = (i: number): number => [18, 6, 8][i % 3]!;

const big = (x: number): bigint => BigInt(Math.floor(x));

/** A pool of `kind` between tokens i and j (i ≠ j) worth about `tvl` dollars. */
export function randomPool(kind: PoolKind, id: number, i: number, j: number, tvl: number, rnd: Rng): PoolState {
  const [t0, t1] = [i, j].sort((a, b) => a - b) as [number, number];
  const d0 = decimalsOf(t0);
  const d1 = decimalsOf(t1);
  const address = poolAddr(id);
  const skew = (fee: number) => 1 + 0.4 * fee * (2 * rnd() - 1);
  switch (kind) {
    case 'uniswap-v2': {
      const s = skew(0.003);
      return {
        kind,
        address,
        token0: tokenAddr(t0),
        token1: tokenAddr(t1),
        reserve0: big((tvl / 2) * 10 ** d0),
        reserve1: big((tvl / 2) * s * 10 ** d1),
      };
    }
    case 'uniswap-v3': {
      const fee = [500, 3000, 10000][Math.floor(rnd() * 3)]!;
      const spacing = fee === 500 ? 10 : fee === 3000 ? 60 : 200;
      const price = 10 ** (d1 - d0) * skew(fee / 1e6);
      const sqrtPriceX96 = big(Math.sqrt(price) * 2 ** 96);
      const tick = getTickAtSqrtRatio(sqrtPriceX96);
      const nets = new Map<number, bigint>();
      let liquidity = 0n;
      const positions = 3 + Math.floor(rnd() * 3);
      for (let k = 0; k < positions; k++) {
        const width = spacing * (1 + Math.floor(rnd() * 3000 ** (k / positions)));
        const edge = Math.floor(MAX_TICK / spacing) * spacing;
        const lower = Math.max(-edge, Math.floor((tick - width * (0.2 + rnd())) / spacing) * spacing);
        const upper = Math.min(edge, Math.ceil((tick + width * (0.2 + rnd())) / spacing) * spacing);
        // liquidity for about tvl/positions dollars of token1 across the range
        const sp = Math.sqrt(price);
        const spl = Number(getSqrtRatioAtTick(lower)) / 2 ** 96;
        const L = big(((tvl / positions / 2) * 10 ** d1) / Math.max(sp - spl, sp * 1e-4));
        nets.set(lower, (nets.get(lower) ?? 0n) + L);
        nets.set(upper, (nets.get(upper) ?? 0n) - L);
        if (lower <= tick && tick < upper) liquidity += L;
      }
      const ticks: V3Tick[] = [...nets]
        .filter(([, n]) => n !== 0n)
        .sort((a, b) => a[0] - b[0])
        .map(([index, liquidityNet]) => ({ index, liquidityNet }));
      return {
        kind,
        address,
        token0: tokenAddr(t0),
        token1: tokenAddr(t1),
        fee,
        tickSpacing: spacing,
        sqrtPriceX96,
        tick,
        liquidity,
        ticks,
      };
    }
    case 'balancer-weighted': {
      const w0 = rnd() < 0.5 ? 0.5 : 0.8;
      const fee = [0.001, 0.0025, 0.01][Math.floor(rnd() * 3)]!;
      return {
        kind,
        address,
        poolId: `${address}${'0'.repeat(24)}`,
        tokens: [tokenAddr(t0), tokenAddr(t1)],
        balances: [big(w0 * tvl * 10 ** d0), big((1 - w0) * tvl * skew(fee) * 10 ** d1)],
        decimals: [d0, d1],
        weights: [big(w0 * 1e18), 10n ** 18n - big(w0 * 1e18)],
        swapFeePercentage: big(fee * 1e18),
      };
    }
    case 'balancer-stable': {
      const fee = [0.0001, 0.0004, 0.001][Math.floor(rnd() * 3)]!;
      const A = [50, 200, 1000][Math.floor(rnd() * 3)]!;
      const imbalance = 1 + 0.002 * (2 * rnd() - 1);
      return {
        kind,
        address,
        poolId: `${address}${'0'.repeat(24)}`,
        tokens: [tokenAddr(t0), tokenAddr(t1)],
        balances: [big((tvl / 2) * imbalance * 10 ** d0), big((tvl / 2 / imbalance) * 10 ** d1)],
        decimals: [d0, d1],
        amp: BigInt(A * 2 * 1000),
        swapFeePercentage: big(fee * 1e18),
      };
    }
  }
}

export const KINDS: readonly PoolKind[] = ['uniswap-v2', 'uniswap-v3', 'balancer-weighted', 'balancer-stable'];

/** $1 per whole token: the numeraire price of one base unit. */
export const unitPrice = (i: number): number => 10 ** -decimalsOf(i);
