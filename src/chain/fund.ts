/**
 * `ballast chain fund`: gives a wallet tokens on the local fixture (issue #17 item 3), from the dev account
 * that deployed it and holds the rest of every token (anvil's unlocked first account: a test chain only).
 * ETH comes by a plain transfer; an ERC-20 by `transfer`. Every amount is exact base units.
 */
import { type Address, erc20Abi, parseAbi } from 'viem';
import { localClients } from './client.ts';
import { FundError } from './errors.ts';
import type { Fixture } from './fixture/types.ts';

export interface FundLeg {
  /** A fixture token's symbol, or ETH. */
  readonly token: string;
  readonly amount: bigint;
}

export interface Funded {
  readonly token: string;
  readonly decimals: number;
  readonly amount: bigint;
  readonly balance: bigint;
  readonly txHash: string;
}

const transferAbi = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);

/** The fixture token (or ETH) a symbol names, case-insensitive; unknown → one line naming the known ones. */
export function fundToken(f: Fixture, symbol: string): { symbol: string; decimals: number; address: Address | null } {
  if (symbol.toUpperCase() === 'ETH') return { symbol: 'ETH', decimals: 18, address: null };
  const t = f.tokens.find((x) => x.symbol.toUpperCase() === symbol.toUpperCase());
  if (t === undefined)
    throw new FundError(
      `--token: no token ${JSON.stringify(symbol)} on this chain; known: ETH, ${f.tokens.map((x) => x.symbol).join(', ')}`,
    );
  return { symbol: t.symbol, decimals: t.decimals, address: t.address };
}

export async function fundWallet(f: Fixture, to: Address, legs: readonly FundLeg[]): Promise<Funded[]> {
  const c = localClients(f.rpcUrl, f.deployer, f.chainId);
  const out: Funded[] = [];
  for (const leg of legs) {
    const t = fundToken(f, leg.token);
    const hash =
      t.address === null
        ? await c.wallet.sendTransaction({ account: f.deployer, chain: c.wallet.chain, to, value: leg.amount })
        : await c.wallet.writeContract({
            account: f.deployer,
            chain: c.wallet.chain,
            address: t.address,
            abi: transferAbi,
            functionName: 'transfer',
            args: [to, leg.amount],
          });
    const receipt = await c.public.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success')
      throw new FundError(`funding ${to} with ${t.symbol} reverted in transaction ${hash}`);
    const balance =
      t.address === null
        ? await c.public.getBalance({ address: to })
        : await c.public.readContract({ address: t.address, abi: erc20Abi, functionName: 'balanceOf', args: [to] });
    out.push({ token: t.symbol, decimals: t.decimals, amount: leg.amount, balance, txHash: hash });
  }
  return out;
}
