/**
 * `ballast chain fund --to ADDRESS --token SYMBOL --amount X [--token … --amount …] [--chain-file F] [--json]`:
 * a wallet gets fixture tokens (issue #17 item 3). Each --token pairs with the --amount at the same position.
 */
import type { Command } from 'commander';
import type { Address } from 'viem';
import { UsageError } from '../io.ts';

interface FundFlags {
  to: string;
  token: string[];
  amount: string[];
  chainFile?: string;
  json?: boolean;
  approveRelayer?: boolean;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** A decimal string of base units at `decimals` (exact, trailing zeros dropped). */
function decimal(v: bigint, decimals: number): string {
  const s = v.toString().padStart(decimals + 1, '0');
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return frac === '' ? s.slice(0, s.length - decimals) : `${s.slice(0, s.length - decimals)}.${frac}`;
}

export function registerChainFund(chain: Command): void {
  chain
    .command('fund')
    .description('give a wallet tokens on the local chain, from its dev account (repeat --token/--amount)')
    .requiredOption('--to <address>', 'the wallet (0x…)')
    .requiredOption('--token <symbol>', 'ETH or a fixture token (WETH, USDC, WBTC, …); repeatable', collect, [])
    .requiredOption('--amount <x>', 'decimal amount of that token; one per --token', collect, [])
    .option('--chain-file <file>', 'addresses written by `ballast chain up` (default: the nearest .ballast/chain.json)')
    .option('--json', 'print { to, funded: [{ token, amount, balance, txHash }] }')
    .option(
      '--approve-relayer',
      'also approve the GPv2 vault relayer for each ERC-20, mined at gas price 0: the wallet needs no ETH (issue #24)',
    )
    .action(async (f: FundFlags) => {
      // Loaded here, not at start-up: every other command starts without viem.
      const { isAddress } = await import('viem');
      const { findChainFile } = await import('../../chain/chain-file.ts');
      const { fundToken, fundWallet } = await import('../../chain/fund.ts');
      const { loadChainFile, parseAmount } = await import('./dex-quote.ts');
      if (!isAddress(f.to, { strict: false }))
        throw new UsageError(`--to: ${JSON.stringify(f.to)} is not an address (0x + 40 hex digits)`);
      if (f.token.length !== f.amount.length)
        throw new UsageError(`give one --amount per --token: ${f.token.length} token(s), ${f.amount.length} amount(s)`);
      const fixture = loadChainFile(f.chainFile ?? findChainFile());
      const legs = f.token.map((symbol, k) => {
        const t = fundToken(fixture, symbol);
        return { token: t.symbol, amount: parseAmount(f.amount[k]!, t.decimals, '--amount') };
      });
      const funded = await fundWallet(fixture, f.to as Address, legs);
      if (f.approveRelayer === true) {
        const { approveRelayerGasless } = await import('../../chain/intents/approve.ts');
        const erc20s = legs.map((l) => fundToken(fixture, l.token).address).filter((a) => a !== null);
        await approveRelayerGasless(fixture, f.to as Address, erc20s);
      }
      if (f.json === true) {
        const rows = funded.map((x) => ({
          token: x.token,
          amount: decimal(x.amount, x.decimals),
          balance: decimal(x.balance, x.decimals),
          txHash: x.txHash,
        }));
        process.stdout.write(`${JSON.stringify({ to: f.to, funded: rows })}\n`);
        return;
      }
      for (const x of funded)
        process.stdout.write(
          `${f.to}: +${decimal(x.amount, x.decimals)} ${x.token} → ${decimal(x.balance, x.decimals)} ${x.token} (${x.txHash})\n`,
        );
    });
}
