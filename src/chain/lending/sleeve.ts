/**
 * The idle sleeve on an Aave v3 market (issue #22 item 2), chain side: one multicall reads, per asset, the
 * owner's wallet balance, what its aTokens redeem to (aToken.balanceOf = scaled balance × the liquidity index
 * now), the reserve's available liquidity (the underlying held by the aToken contract) and its total supply;
 * `planSleeve` (src/core/lending/idle-sleeve.ts) then plans what can be done now. The withdrawals and supplies
 * run as the executor's Aave steps in the same transaction as the swaps (idle-batch.ts, `dex rebalance` with a
 * `chain.idle` section).
 */
import { type Address, type PublicClient, parseAbi } from 'viem';
import type { SleeveAsset } from '../../core/lending/idle-sleeve.ts';
import { aavePoolAbi } from '../fixture/deploy-aave.ts';

const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
]);

/** An asset of the sleeve: its token, oracle price, target weight and liquid buffer (base units). */
export interface SleeveEntry {
  readonly symbol: string;
  readonly address: Address;
  readonly decimals: number;
  readonly price: number;
  readonly target: number;
  readonly buffer: bigint;
}

/** A sleeve asset as read, with its reserve's aToken. */
export interface SleeveRead extends SleeveAsset {
  readonly aToken: Address;
}

/**
 * The sleeve's state at one block, every read in one multicall. Without `blockNumber`, the head, read uncached:
 * viem caches the block number, so a read right after a transaction could see the block before it.
 */
export async function readSleeve(
  client: PublicClient,
  pool: Address,
  owner: Address,
  entries: readonly SleeveEntry[],
  blockNumber?: bigint,
): Promise<SleeveRead[]> {
  const at = blockNumber ?? (await client.getBlockNumber({ cacheTime: 0 }));
  const reserves = await client.multicall({
    allowFailure: false,
    blockNumber: at,
    contracts: entries.map((e) => ({
      address: pool,
      abi: aavePoolAbi,
      functionName: 'getReserveData' as const,
      args: [e.address] as const,
    })),
  });
  const reads = await client.multicall({
    allowFailure: false,
    blockNumber: at,
    contracts: entries.flatMap((e, i) => {
      const aToken = reserves[i]!.aTokenAddress;
      return [
        { address: e.address, abi: erc20, functionName: 'balanceOf' as const, args: [owner] as const },
        { address: aToken, abi: erc20, functionName: 'balanceOf' as const, args: [owner] as const },
        { address: e.address, abi: erc20, functionName: 'balanceOf' as const, args: [aToken] as const },
        { address: aToken, abi: erc20, functionName: 'totalSupply' as const },
      ];
    }),
  });
  return entries.map((e, i) => ({
    aToken: reserves[i]!.aTokenAddress,
    symbol: e.symbol,
    decimals: e.decimals,
    price: e.price,
    target: e.target,
    buffer: e.buffer,
    wallet: reads[4 * i] as bigint,
    supplied: reads[4 * i + 1] as bigint,
    available: reads[4 * i + 2] as bigint,
    reserveSupply: reads[4 * i + 3] as bigint,
  }));
}
