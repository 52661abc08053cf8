/**
 * One owner's Aave v3 position as `ballast lever rebalance` sees it (issue #23): per asset the wallet's units,
 * the collateral (aToken balance) and the debt (variable debt token balance), the reserve's liquidation
 * threshold (configuration bits 16–31, bps), and the exact scaled balances that say whether a reverted
 * transaction changed anything.
 */
import { type Address, type PublicClient, parseAbi } from 'viem';
import { aavePoolAbi } from '../fixture/deploy-aave.ts';

const tokenAbi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function scaledBalanceOf(address) view returns (uint256)',
]);

export interface Reserve {
  readonly asset: Address;
  readonly aToken: Address;
  readonly debtToken: Address;
  /** Liquidation threshold, bps (8250 = 82.5%). */
  readonly liquidationThresholdBps: number;
  /** Max LTV as collateral, bps (configuration bits 0–15): what Aave lets a position borrow against it. */
  readonly ltvBps: number;
}

export async function readReserve(client: PublicClient, pool: Address, asset: Address): Promise<Reserve> {
  const r = await client.readContract({
    address: pool,
    abi: aavePoolAbi,
    functionName: 'getReserveData',
    args: [asset],
  });
  return {
    asset,
    aToken: r.aTokenAddress,
    debtToken: r.variableDebtTokenAddress,
    liquidationThresholdBps: Number((r.configuration.data >> 16n) & 0xffffn),
    ltvBps: Number(r.configuration.data & 0xffffn),
  };
}

export interface AssetHolding {
  readonly wallet: bigint;
  readonly collateral: bigint;
  readonly debt: bigint;
}

/** Wallet, collateral and debt of `owner` in `r`'s asset, at `blockNumber` (default latest). */
export async function readHolding(
  client: PublicClient,
  r: Reserve,
  owner: Address,
  blockNumber?: bigint,
): Promise<AssetHolding> {
  const at = blockNumber === undefined ? {} : { blockNumber };
  const bal = (address: Address) =>
    client.readContract({ address, abi: tokenAbi, functionName: 'balanceOf', args: [owner], ...at });
  const [wallet, collateral, debt] = await Promise.all([bal(r.asset), bal(r.aToken), bal(r.debtToken)]);
  return { wallet, collateral, debt };
}

/**
 * The exact state a lever transaction may change, at one block: the owner's wallet units and SCALED collateral
 * and debt (interest moves the unscaled balances every second; the scaled ones move only when the position
 * does), as decimal strings keyed `WETH.wallet`, `WETH.aToken.scaled`, `USDC.debt.scaled`, ….
 */
export async function positionFingerprint(
  client: PublicClient,
  reserves: readonly { symbol: string; reserve: Reserve }[],
  owner: Address,
  blockNumber: bigint,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { symbol, reserve: r } of reserves) {
    const read = (address: Address, functionName: 'balanceOf' | 'scaledBalanceOf') =>
      client.readContract({ address, abi: tokenAbi, functionName, args: [owner], blockNumber });
    out[`${symbol}.wallet`] = String(await read(r.asset, 'balanceOf'));
    out[`${symbol}.aToken.scaled`] = String(await read(r.aToken, 'scaledBalanceOf'));
    out[`${symbol}.debt.scaled`] = String(await read(r.debtToken, 'scaledBalanceOf'));
  }
  return out;
}
