import type { Command } from 'commander';
import { UsageError } from '../io.ts';
import { registerChainFund } from './chain-fund.ts';

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
      const port = Number(f.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port: expected 0–65535, got ${JSON.stringify(f.port)}`);
      const { chainUp } = await import('../../chain/up.ts');
      const h = await chainUp({ port, out: f.out, json: f.json === true });
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
      const { dexQuote } = await import('./dex-quote.ts');
      await dexQuote({
        rpc: f.rpc,
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
    .action(async (f: RebalanceFlags) => {
      const { dexRebalance } = await import('./dex-rebalance.ts');
      await dexRebalance(f);
    });
}
