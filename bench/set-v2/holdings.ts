/** A holder's WETH/USDC (or any tokens') value and weights at the oracle prices. */
import { type Address, type PublicClient, parseAbi } from 'viem';
import type { ValidPrice } from '../../src/chain/oracles/feeds.ts';
import { usdE18 } from '../../src/chain/rebalance/build.ts';

const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);

export interface HeldToken {
  readonly symbol: string;
  readonly address: Address;
  readonly decimals: number;
}

export interface Holdings {
  readonly amounts: readonly bigint[];
  /** USD × 1e18 per token, at the oracles. */
  readonly valuesE18: readonly bigint[];
  readonly totalE18: bigint;
  /** Weights in [0, 1], per token. */
  readonly weights: readonly number[];
}

export async function holdings(
  client: PublicClient,
  holder: Address,
  tokens: readonly HeldToken[],
  prices: ReadonlyMap<string, ValidPrice>,
): Promise<Holdings> {
  const amounts = await Promise.all(
    tokens.map((t) =>
      client.readContract({ address: t.address, abi: erc20, functionName: 'balanceOf', args: [holder] }),
    ),
  );
  const valuesE18 = tokens.map((t, i) => usdE18(amounts[i]!, prices.get(t.address.toLowerCase())!, t.decimals));
  const totalE18 = valuesE18.reduce((s, v) => s + v, 0n);
  const weights = valuesE18.map((v) => (totalE18 === 0n ? 0 : Number((v * 10n ** 12n) / totalE18) / 1e12));
  return { amounts, valuesE18, totalE18, weights };
}
