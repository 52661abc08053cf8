/**
 * The idle sleeve on an Aave v3 market (issue #22 item 2), chain side: one multicall reads, per asset, the
 * owner's wallet balance, what its aTokens redeem to (aToken.balanceOf = scaled balance × the liquidity index
 * now), the reserve's available liquidity (the underlying held by the aToken contract) and its total supply;
 * `planSleeve` (src/core/lending/idle-sleeve.ts) then plans what can be done now. The withdrawals and supplies
 * are sent from the owner's wallet as their own transactions, before and after the swap batch
 * (`sendSleeveSteps`).
 */
import { type Address, type Hex, type PublicClient, parseAbi } from 'viem';
import type { SleeveAsset, SleeveStep } from '../../core/lending/idle-sleeve.ts';
import type { TxSender } from '../client.ts';
import { aavePoolAbi } from '../fixture/deploy-aave.ts';

const erc20 = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
  'function allowance(address, address) view returns (uint256)',
  'function approve(address spender, uint256 amount) returns (bool)',
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
): Promise<SleeveAsset[]> {
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

/**
 * Sends the plan's withdrawals ('withdraw', before the swaps) or supplies ('supply', after them) from the owner's
 * wallet, one transaction each (a supply approves the Pool first when its allowance is short). Returns the hashes.
 */
export async function sendSleeveSteps(
  tx: TxSender,
  pool: Address,
  entries: readonly SleeveEntry[],
  steps: readonly SleeveStep[],
  which: 'withdraw' | 'supply',
): Promise<Hex[]> {
  const owner = tx.clients.account;
  const hashes: Hex[] = [];
  for (const s of steps) {
    const e = entries.find((x) => x.symbol === s.symbol);
    if (!e) continue;
    if (which === 'withdraw' && s.withdraw > 0n) {
      const r = await tx.call(
        pool,
        aavePoolAbi,
        'withdraw',
        [e.address, s.withdraw, owner],
        `Aave withdraw ${e.symbol}`,
      );
      hashes.push(r.transactionHash);
    }
    if (which === 'supply' && s.supply > 0n) {
      const allowance = await tx.clients.public.readContract({
        address: e.address,
        abi: erc20,
        functionName: 'allowance',
        args: [owner, pool],
      });
      if (allowance < s.supply)
        await tx.call(e.address, erc20, 'approve', [pool, s.supply], `approve Aave ${e.symbol}`);
      const r = await tx.call(pool, aavePoolAbi, 'supply', [e.address, s.supply, owner, 0], `Aave supply ${e.symbol}`);
      hashes.push(r.transactionHash);
    }
  }
  return hashes;
}
