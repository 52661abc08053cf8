/**
 * Fees and price impact of a rebalance, read from the pools themselves (issue #21 item 4): every Uniswap v2/v3
 * pool's token balances before and after. A pool's balance that grew is a swap input: its fee is that input ×
 * the pool's fee tier; what all the pools gained in value at the oracle prices is what the trader lost; the
 * impact is that loss beyond the fees (the pools' small skews from the oracles count in it, either way).
 */
import { type Address, type PublicClient, parseAbi } from 'viem';
import { FixtureError } from '../../src/chain/errors.ts';
import type { FixturePool } from '../../src/chain/fixture/types.ts';
import type { ValidPrice } from '../../src/chain/oracles/feeds.ts';
import { usdE18 } from '../../src/chain/rebalance/build.ts';

const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);

export type PoolBalances = ReadonlyMap<string, readonly bigint[]>;

/** The v2/v3 pools of the fixture: the pools both sides of the comparison may trade. */
export function uniswapPools(pools: readonly FixturePool[]): FixturePool[] {
  return pools.filter((p) => p.protocol === 'uniswap-v2' || p.protocol === 'uniswap-v3');
}

export async function poolBalances(client: PublicClient, pools: readonly FixturePool[]): Promise<PoolBalances> {
  const out = new Map<string, bigint[]>();
  await Promise.all(
    pools.map(async (p) => {
      const bs = await Promise.all(
        p.tokens.map((t) =>
          client.readContract({ address: t, abi: erc20, functionName: 'balanceOf', args: [p.address as Address] }),
        ),
      );
      out.set(p.address.toLowerCase(), bs);
    }),
  );
  return out;
}

export interface PoolCosts {
  /** Σ input × fee tier, USD at the oracles. */
  readonly feesUsd: number;
  /** Value the pools gained at the oracles (= what the trader lost), USD. */
  readonly lossUsd: number;
  /** lossUsd − feesUsd. */
  readonly impactUsd: number;
  /** Pools whose balances changed, by label. */
  readonly poolsUsed: readonly string[];
}

export function poolCosts(
  pools: readonly FixturePool[],
  before: PoolBalances,
  after: PoolBalances,
  prices: ReadonlyMap<string, ValidPrice>,
  decimals: ReadonlyMap<string, number>,
): PoolCosts {
  let fees = 0n;
  let loss = 0n;
  const used: string[] = [];
  for (const p of pools) {
    const b = before.get(p.address.toLowerCase());
    const a = after.get(p.address.toLowerCase());
    if (!b || !a) continue;
    let changed = false;
    p.tokens.forEach((t, i) => {
      const d = a[i]! - b[i]!;
      if (d === 0n) return;
      changed = true;
      const key = t.toLowerCase();
      const price = prices.get(key);
      const dec = decimals.get(key);
      if (!price || dec === undefined) throw new FixtureError(`no oracle price for ${t}`);
      const v = d > 0n ? usdE18(d, price, dec) : -usdE18(-d, price, dec);
      loss += v;
      if (d > 0n) fees += (usdE18(d, price, dec) * BigInt(p.feePips)) / 1_000_000n;
    });
    if (changed) used.push(p.label);
  }
  const usd = (x: bigint) => Number(x) / 1e18;
  return { feesUsd: usd(fees), lossUsd: usd(loss), impactUsd: usd(loss - fees), poolsUsed: used };
}
