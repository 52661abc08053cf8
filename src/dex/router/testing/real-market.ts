/**
 * A small realistic market built with the exact pool math of src/dex/pools (createPool): WETH(18) -> USDC(6) with
 * Uniswap v2 pools, v3 pools (two fee tiers, several liquidity ranges), a Balancer 80/20 weighted pool, and hub
 * paths through DAI(18) (v2, v3, Balancer stable, Curve-style stable) and WBTC(8). For tests and benchmarks.
 */
import { createPool } from '../../pools/index.ts';
import type { Address, SwapPool, V3State } from '../../pools/types.ts';
import { getSqrtRatioAtTick } from '../../pools/v3-tick-math.ts';

export const WETH: Address = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
export const USDC: Address = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
export const DAI: Address = '0x6b175474e89094c44da98b954eedeac495271d0f';
export const WBTC: Address = '0x2260fac5e5542a773aa44fbcfb7c1d1b5d6f2c9a';
export const DECIMALS: Record<string, number> = { [WETH]: 18, [USDC]: 6, [DAI]: 18, [WBTC]: 8 };
export const SYMBOLS: Record<string, string> = { [WETH]: 'WETH', [USDC]: 'USDC', [DAI]: 'DAI', [WBTC]: 'WBTC' };

/** Token units per 1 USD. */
const USD: Record<string, number> = { [WETH]: 1 / 3000, [USDC]: 1, [DAI]: 1, [WBTC]: 1 / 60000 };
const units = (token: Address, usd: number): bigint =>
  BigInt(Math.round(usd * (USD[token] as number) * 1e6)) * 10n ** BigInt((DECIMALS[token] as number) - 6);

let serial = 0;
const addr = (): Address => `0x${(0xbeef0000 + ++serial).toString(16).padStart(40, '0')}`;

function v2(a: Address, b: Address, usdPerSide: number, skew = 1): SwapPool {
  const [t0, t1] = a < b ? [a, b] : [b, a];
  return createPool({
    kind: 'uniswap-v2',
    address: addr(),
    token0: t0,
    token1: t1,
    reserve0: units(t0, usdPerSide),
    reserve1: units(t1, usdPerSide * skew),
  });
}

/** v3 pool with ranges [price/w, price*w] of liquidity worth ~usd each (w = width multiplier). */
function v3(a: Address, b: Address, fee: number, spacing: number, ranges: { width: number; usd: number }[]): SwapPool {
  const [t0, t1] = a < b ? [a, b] : [b, a];
  const p = Number(units(t1, 1)) / Number(units(t0, 1)); // token1 base units per token0 base unit
  const tick = Math.floor(Math.log(p) / Math.log(1.0001) / spacing) * spacing;
  const sqrtP = Math.sqrt(1.0001 ** tick);
  const net = new Map<number, bigint>();
  let liquidity = 0n;
  for (const r of ranges) {
    const d = Math.max(spacing, Math.round(Math.log(r.width) / Math.log(1.0001) / spacing) * spacing);
    // Virtual reserve of token1 in the range ~ L * sqrtP; token1 worth r.usd.
    const L = BigInt(Math.floor(Number(units(t1, r.usd)) / sqrtP));
    net.set(tick - d, (net.get(tick - d) ?? 0n) + L);
    net.set(tick + d, (net.get(tick + d) ?? 0n) - L);
    liquidity += L;
  }
  const state: V3State = {
    kind: 'uniswap-v3',
    address: addr(),
    token0: t0,
    token1: t1,
    fee,
    tickSpacing: spacing,
    sqrtPriceX96: getSqrtRatioAtTick(tick),
    tick,
    liquidity,
    ticks: [...net.entries()].sort((x, y) => x[0] - y[0]).map(([index, liquidityNet]) => ({ index, liquidityNet })),
  };
  return createPool(state);
}

export function realMarket(): SwapPool[] {
  serial = 0;
  const e18 = 10n ** 18n;
  return [
    v2(WETH, USDC, 20e6),
    v2(WETH, USDC, 3e6, 1.002),
    v3(WETH, USDC, 500, 10, [
      { width: 1.02, usd: 15e6 },
      { width: 1.1, usd: 10e6 },
    ]),
    v3(WETH, USDC, 3000, 60, [
      { width: 1.05, usd: 8e6 },
      { width: 1.5, usd: 5e6 },
    ]),
    createPool({
      kind: 'balancer-weighted',
      address: addr(),
      poolId: `0x${'11'.repeat(32)}`,
      tokens: [WETH, USDC],
      balances: [units(WETH, 8e6), units(USDC, 2e6)],
      decimals: [18, 6],
      weights: [(8n * e18) / 10n, (2n * e18) / 10n],
      swapFeePercentage: (25n * e18) / 10_000n,
    }),
    v2(WETH, DAI, 10e6),
    v3(WETH, DAI, 3000, 60, [{ width: 1.1, usd: 6e6 }]),
    createPool({
      kind: 'balancer-stable',
      address: addr(),
      poolId: `0x${'22'.repeat(32)}`,
      tokens: [DAI, USDC],
      balances: [units(DAI, 30e6), units(USDC, 30e6)],
      decimals: [18, 6],
      amp: 200_000n,
      swapFeePercentage: e18 / 10_000n,
    }),
    createPool({
      kind: 'curve-stable',
      address: addr(),
      tokens: [DAI, USDC],
      balances: [units(DAI, 20e6), units(USDC, 20e6)],
      decimals: [18, 6],
      A: 100n,
      fee: 4_000_000n,
    }),
    v2(WETH, WBTC, 5e6),
    v3(WBTC, USDC, 3000, 60, [{ width: 1.2, usd: 5e6 }]),
  ];
}
