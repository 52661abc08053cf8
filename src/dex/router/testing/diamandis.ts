/**
 * Problem generator of the routing literature (Diamandis, Resnick, Chitra, Angeris 2023, "An efficient algorithm
 * for optimal routing through constant function market makers"): m two-token constant-product pools among
 * n = ceil(sqrt(m)) tokens, each between two distinct random tokens, reserves uniform in [0, 1000) tokens
 * (18 decimals here), fee gamma drawn from {0.997, 1}. Seeded, so every run sees the same markets.
 */
import type { Address, SwapPool } from '../../pools/types.ts';
import { constantProductPool, mulberry32, tokenAddress } from './cp-pool.ts';

export interface Market {
  readonly tokens: readonly Address[];
  readonly pools: readonly SwapPool[];
  readonly random: () => number;
}

const ONE = 10n ** 18n;

export function diamandisMarket(m: number, seed: number): Market {
  const random = mulberry32(seed);
  const n = Math.ceil(Math.sqrt(m));
  const tokens = Array.from({ length: n }, (_, i) => tokenAddress(i));
  const reserve = () => (BigInt(Math.floor(random() * 1e9)) * ONE) / 1_000_000n;
  const pools: SwapPool[] = [];
  for (let i = 0; i < m; i++) {
    const a = Math.floor(random() * n);
    let b = Math.floor(random() * (n - 1));
    if (b >= a) b++;
    const fee = random() < 0.5;
    pools.push(
      constantProductPool({
        id: `pool${i}`,
        token0: tokens[a] as Address,
        token1: tokens[b] as Address,
        reserve0: reserve(),
        reserve1: reserve(),
        feeNum: fee ? 997n : 1n,
        feeDen: fee ? 1000n : 1n,
      }),
    );
  }
  return { tokens, pools, random };
}

/** Two distinct random tokens of the market. */
export function randomPair(market: Market): [Address, Address] {
  const n = market.tokens.length;
  const a = Math.floor(market.random() * n);
  let b = Math.floor(market.random() * (n - 1));
  if (b >= a) b++;
  return [market.tokens[a] as Address, market.tokens[b] as Address];
}
