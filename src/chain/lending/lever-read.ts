/**
 * What every lever plan reads first (issue #23): the BallastLeverage's owner and Pool checked, each asset of the
 * position with its Aave reserve (an asset that is not a reserve of the Pool is refused, naming the field), and
 * every token with a feed priced at the validated oracles.
 */
import { type Address, type PublicClient, parseAbi } from 'viem';
import type { ValidPrice } from '../oracles/feeds.ts';
import { validatedPrices } from '../oracles/guard.ts';
import type { OnchainPortfolio } from '../rebalance/config.ts';
import { LendingConfigError } from '../rebalance/lending-config.ts';
import type { LeverAsset } from './lever-route.ts';
import { readReserve } from './position.ts';

const erc20 = parseAbi(['function decimals() view returns (uint8)']);
const levAbi = parseAbi(['function owner() view returns (address)', 'function aavePool() view returns (address)']);

export async function asset(
  client: PublicClient,
  p: OnchainPortfolio,
  pool: Address,
  symbol: string,
  field: 'collateral' | 'debt' = 'collateral',
): Promise<LeverAsset> {
  const address = p.chain.tokens[symbol] as Address;
  const decimals = Number(await client.readContract({ address, abi: erc20, functionName: 'decimals' }));
  const reserve = await readReserve(client, pool, address);
  if (/^0x0{40}$/.test(reserve.aToken))
    throw new LendingConfigError(`chain.lending.${field}: ${symbol} is not a reserve of the Aave Pool ${pool}`);
  return { symbol, address, decimals, reserve };
}

/** Every token with a feed, priced at the validated oracles (the route's hub tokens are checked against them). */
export async function leverPrices(
  client: PublicClient,
  p: OnchainPortfolio,
): Promise<{ prices: Map<string, ValidPrice>; guardTokens: { symbol: string; address: Address; decimals: number }[] }> {
  const priced = Object.keys(p.chain.tokens).filter((s) => p.chain.feeds[s] !== undefined);
  const guardTokens = await Promise.all(
    priced.map(async (s) => {
      const address = p.chain.tokens[s] as Address;
      const decimals = Number(await client.readContract({ address, abi: erc20, functionName: 'decimals' }));
      return { symbol: s, address, decimals };
    }),
  );
  const prices = await validatedPrices(
    client,
    {
      feeds: p.chain.feeds,
      ...(p.chain.sequencer ? { sequencer: p.chain.sequencer } : {}),
      maxDeviationBps: p.chain.maxDeviationBps,
    },
    guardTokens,
  );
  return { prices: new Map(prices), guardTokens };
}

/** The BallastLeverage must be the signer's and run on this Pool (its owner starts every rebalance). */
export async function checkLeverage(client: PublicClient, lev: Address, owner: Address, pool: Address): Promise<void> {
  const code = await client.getCode({ address: lev });
  if (code === undefined || code === '0x')
    throw new LendingConfigError(`chain.lending.leverage: no contract at ${lev} on this chain`);
  const [o, a] = await Promise.all([
    client.readContract({ address: lev, abi: levAbi, functionName: 'owner' }),
    client.readContract({ address: lev, abi: levAbi, functionName: 'aavePool' }),
  ]);
  if (o.toLowerCase() !== owner.toLowerCase())
    throw new LendingConfigError(`chain.lending.leverage: ${lev} is owned by ${o}, not by ${owner}`);
  if (a.toLowerCase() !== pool.toLowerCase())
    throw new LendingConfigError(`chain.lending.leverage: ${lev} runs on the Aave Pool ${a}, not ${pool}`);
}
