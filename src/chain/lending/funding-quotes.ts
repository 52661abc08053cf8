/**
 * The lenders' fees and liquidity read at plan time (issue #23 item 2), as FundingQuotes for chooseFunding:
 * the Balancer Vault (its ProtocolFeesCollector's flash fee, what the Vault holds of the token), the Aave Pool
 * (FLASHLOAN_PREMIUM_TOTAL, what the reserve's aToken holds) and every Uniswap v3 pool of the chain file that
 * holds the token and is not in the route (its `fee()`, read from the pool itself, and its balance).
 */
import { type Address, type PublicClient, parseAbi } from 'viem';
import type { FundingQuote } from '../../core/lending/flash-funding.ts';
import type { FixturePool } from '../fixture/types.ts';
import { aaveFlashPremiumBps, balancerFlashFee } from './leverage.ts';

const abi = parseAbi(['function balanceOf(address) view returns (uint256)', 'function fee() view returns (uint24)']);

/** A Uniswap v3 pool's flash fee: its `fee()` in pips (1e6 = 100%), read from the pool. */
export async function v3PoolFee(client: PublicClient, pool: Address): Promise<bigint> {
  return BigInt(await client.readContract({ address: pool, abi, functionName: 'fee' }));
}

export interface FundingSources {
  readonly vault: Address;
  readonly aavePool: Address;
  /** The reserve's aToken (holds the Pool's liquidity of the token). */
  readonly aToken: Address;
  /** Pools of the chain file (only Uniswap v3 ones holding `token` are considered). */
  readonly pools: readonly FixturePool[];
  /** Lower-case addresses of the pools the route swaps through (never a lender). */
  readonly routePools: readonly string[];
}

export async function readFundingQuotes(
  client: PublicClient,
  token: Address,
  s: FundingSources,
): Promise<FundingQuote[]> {
  const held = (who: Address) => client.readContract({ address: token, abi, functionName: 'balanceOf', args: [who] });
  const quotes: FundingQuote[] = [
    { lender: 'balancer', feeRate: await balancerFlashFee(client, s.vault), available: await held(s.vault) },
    { lender: 'aave', feeRate: await aaveFlashPremiumBps(client, s.aavePool), available: await held(s.aToken) },
  ];
  const used = new Set(s.routePools.map((p) => p.toLowerCase()));
  for (const p of s.pools) {
    if (p.protocol !== 'uniswap-v3' || used.has(p.address.toLowerCase())) continue;
    if (!p.tokens.some((t) => t.toLowerCase() === token.toLowerCase())) continue;
    quotes.push({
      lender: 'uniswap-v3',
      feeRate: await v3PoolFee(client, p.address),
      available: await held(p.address),
      pool: p.address,
    });
  }
  return quotes;
}
