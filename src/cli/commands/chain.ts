import { createServer } from 'node:net';
import type { Command } from 'commander';
import { BallastError } from '../../core/errors.ts';
import { httpUrl, whole } from '../flags.ts';
import { UsageError } from '../io.ts';
import { checkOutput, writeOutput } from '../output-file.ts';
import { registerChainFund } from './chain-fund.ts';

/** A plain positive decimal (`1.5`); its precision is checked against the token's decimals later. */
function decimal(flag: string, v: string): void {
  if (!/^\s*\d+(\.\d*)?\s*$/.test(v) || !/[1-9]/.test(v))
    throw new UsageError(`${flag}: ${JSON.stringify(v)} is not a positive decimal number (e.g. 1.5)`);
}

/** A port something already listens on is named before anvil starts (its own error is a page of text). */
async function requireFreePort(port: number): Promise<void> {
  const busy = await new Promise<string | undefined>((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(undefined)));
  });
  if (busy !== undefined)
    throw new BallastError(
      `--port ${port}: ${busy === 'EADDRINUSE' ? 'already in use on 127.0.0.1 (another node?)' : `cannot listen (${busy})`}; stop what holds it, or pick another port (--port 0 = a free one)`,
      { next: 'fix-input' },
    );
}

interface ChainUpFlags {
  port: string;
  out?: string;
  json?: boolean;
}

interface RebalanceFlags {
  rpc: string;
  config: string;
  execute?: boolean;
  keyFile?: string;
  sendRpc?: string;
  journal?: string;
  chainFile?: string;
  deployExecutor?: boolean;
  json?: boolean;
  maxFeeGwei?: string;
  replaceAfter?: string;
  receiptTimeout?: string;
  verifyRpc?: string;
  verifyToleranceBps?: string;
}

/** A gwei amount with at most 9 decimals (exact in wei). */
function gweiAmount(flag: string, v: string): string {
  decimal(flag, v);
  const frac = v.trim().split('.')[1] ?? '';
  if (frac.length > 9)
    throw new UsageError(`${flag}: ${JSON.stringify(v)} has more than 9 decimals (1 wei = 1e-9 gwei)`);
  return v.trim();
}

interface QuoteFlags {
  rpc: string;
  sell: string;
  buy: string;
  amount: string;
  gasPrice?: string;
  json?: boolean;
  chainFile?: string;
}

/** `ballast chain up` (a local EVM with real DEX contracts) and `ballast dex quote|rebalance`. */
export function registerChain(program: Command): void {
  const chain = program
    .command('chain')
    .description('a local Ethereum node with real Uniswap v2/v3 and Balancer pools');
  chain
    .command('up')
    .description('start anvil, deploy the fixture market, print the RPC URL and addresses; Ctrl-C stops it')
    .option('--port <n>', 'RPC port (0 = a free one)', '8545')
    .option('--out <file>', 'write the addresses as JSON (default .ballast/chain.json)')
    .option('--json', 'print { rpcUrl, chainId, chainFile, contracts, tokens } as one JSON line once deployed')
    .action(async (f: ChainUpFlags) => {
      const port = whole('--port', f.port, 0, 65535);
      if (f.out !== undefined) checkOutput('--out', f.out, ['json']);
      if (port !== 0) await requireFreePort(port);
      const { chainUp } = await import('../../chain/up.ts');
      const h = await chainUp({ port, out: f.out, json: f.json === true, write: writeOutput });
      await h.done;
    });

  registerChainFund(chain);

  const dex = program.command('dex').description('decentralized exchanges: quotes and on-chain rebalancing');
  dex
    .command('quote')
    .description('route one trade over every pool (split, two-hop through hubs, net of gas)')
    .requiredOption('--rpc <url>', 'RPC URL (e.g. the one `ballast chain up` printed)')
    .requiredOption('--sell <token>', 'symbol or 0x address')
    .requiredOption('--buy <token>', 'symbol or 0x address')
    .requiredOption('--amount <x>', 'decimal amount of the sold token (exact: too many decimals is an error)')
    .option('--gas-price <gwei>', 'gas price in gwei (default: the node’s)')
    .option('--json', 'print the route as one JSON object, amounts in base units')
    .option('--chain-file <file>', 'pool registry written by `ballast chain up`')
    .action(async (f: QuoteFlags) => {
      decimal('--amount', f.amount);
      if (f.gasPrice !== undefined) decimal('--gas-price', f.gasPrice);
      const { dexQuote } = await import('./dex-quote.ts');
      await dexQuote({
        rpc: httpUrl('--rpc', f.rpc),
        sell: f.sell,
        buy: f.buy,
        amount: f.amount,
        gasPriceGwei: f.gasPrice,
        json: f.json,
        chainFile: f.chainFile,
      });
    });
  dex
    .command('rebalance')
    .description(
      'rebalance a portfolio on-chain in one transaction: by default simulate and show it; --execute sends it',
    )
    .requiredOption('--rpc <url>', 'RPC URL')
    .requiredOption('--config <file>', 'portfolio file with a `chain` section (tokens, feeds, slippage)')
    .option('--execute', 'send after the simulation passes (key from BALLAST_PRIVATE_KEY or --key-file)')
    .option('--key-file <file>', 'file holding the private key (never logged)')
    .option('--send-rpc <url>', 'a second RPC used only for eth_sendRawTransaction (private transactions)')
    .option('--journal <file>', 'journal file for the transaction (never sent twice)')
    .option('--chain-file <file>', 'pool registry written by `ballast chain up`')
    .option('--deploy-executor', 'deploy a BallastExecutor owned by the key’s account first')
    .option('--json', 'print one JSON object: plan, pulls, legs (exact decimals by symbol), value, gas, weights, sent')
    .option('--max-fee-gwei <gwei>', 'fee cap: never send with a max fee per gas above it (refused above it)')
    .option('--replace-after <s>', 'replace a transaction still pending after s seconds (same nonce, fees +12.5%)')
    .option('--receipt-timeout <s>', 'seconds to wait for a receipt before leaving it open for the next run', '120')
    .option('--verify-rpc <url>', 'a second, independent RPC: pools and feeds are cross-checked at the same block')
    .option('--verify-tolerance-bps <n>', 'with --verify-rpc: largest gap tolerated between the two RPCs (default 0)')
    .action(async (f: RebalanceFlags) => {
      httpUrl('--rpc', f.rpc);
      if (f.sendRpc !== undefined) httpUrl('--send-rpc', f.sendRpc);
      const maxFeeGwei = f.maxFeeGwei === undefined ? undefined : gweiAmount('--max-fee-gwei', f.maxFeeGwei);
      const replaceAfterSec =
        f.replaceAfter === undefined ? undefined : whole('--replace-after', f.replaceAfter, 1, 86_400);
      const receiptTimeoutSec = whole('--receipt-timeout', f.receiptTimeout ?? '120', 1, 86_400);
      if (f.verifyRpc !== undefined) httpUrl('--verify-rpc', f.verifyRpc);
      if (f.verifyToleranceBps !== undefined && f.verifyRpc === undefined)
        throw new UsageError('--verify-tolerance-bps: only with --verify-rpc (it tolerates gaps between the two RPCs)');
      const verifyToleranceBps =
        f.verifyToleranceBps === undefined ? undefined : whole('--verify-tolerance-bps', f.verifyToleranceBps, 0, 1000);
      const { dexRebalance } = await import('./dex-rebalance.ts');
      const { verifyToleranceBps: _t, replaceAfter: _r, receiptTimeout: _w, maxFeeGwei: _m, ...rest } = f;
      await dexRebalance({
        ...rest,
        ...(maxFeeGwei !== undefined ? { maxFeeGwei } : {}),
        ...(replaceAfterSec !== undefined ? { replaceAfterSec } : {}),
        receiptTimeoutSec,
        ...(verifyToleranceBps !== undefined ? { verifyToleranceBps } : {}),
      });
    });
}
