/**
 * `ballast vault deploy | issue | redeem | status | rebalance` (issue #21 item 1): a BallastBasket on the local
 * fixture. Every command that sends simulates by default and sends only with --execute (the key from
 * BALLAST_PRIVATE_KEY or --key-file, never printed); --json prints one JSON object. Flags are checked before the
 * node is asked anything (a bad flag: one line naming it, exit 2).
 */
import type { Command } from 'commander';
import { httpUrl, whole } from '../flags.ts';
import { UsageError } from '../io.ts';

export interface VaultFlags {
  rpc: string;
  chainFile?: string;
  json?: boolean;
  execute?: boolean;
  keyFile?: string;
  basket?: string;
  shares?: string;
  assets?: string;
  targets?: string;
  bandAbsBps?: string;
  minInterval?: string;
  maxLossBps?: string;
  maxTurnoverBps?: string;
  keeperWindow?: string;
  shareUsd?: string;
  maxSlippageBps?: string;
  fraction?: string;
  events?: string;
}

/** 18-decimal share amount: a positive decimal with at most 18 decimals. */
export function sharesFlag(v: string | undefined): string {
  if (v === undefined) throw new UsageError('--shares: required (a positive decimal, e.g. 1.5)');
  const t = v.trim();
  if (!/^\d+(\.\d{1,18})?$/.test(t) || !/[1-9]/.test(t))
    throw new UsageError(`--shares: ${JSON.stringify(v)} is not a positive decimal with at most 18 decimals`);
  return t;
}

export function basketFlag(v: string | undefined): `0x${string}` {
  if (v === undefined) throw new UsageError('--basket: required (the basket address `vault deploy` printed)');
  if (!/^0x[0-9a-fA-F]{40}$/.test(v.trim())) throw new UsageError(`--basket: ${JSON.stringify(v)} is not an address`);
  return v.trim() as `0x${string}`;
}

export function fractionFlag(v: string | undefined): number {
  if (v === undefined) return 1;
  const x = Number(v);
  if (v.trim() === '' || !(x > 0 && x <= 1))
    throw new UsageError(`--fraction: must be in (0, 1], got ${JSON.stringify(v)}`);
  return x;
}

const common = (c: Command, sends: boolean): Command => {
  c.requiredOption('--rpc <url>', 'RPC URL (e.g. the one `ballast chain up` printed)')
    .option('--chain-file <file>', 'pool registry written by `ballast chain up`')
    .option('--json', 'print one JSON object (amounts in base units as strings)');
  if (sends)
    c.option('--execute', 'send (key from BALLAST_PRIVATE_KEY or --key-file); default: simulate and show').option(
      '--key-file <file>',
      'file holding the private key (never logged)',
    );
  return c;
};

async function run(cmd: 'deploy' | 'issue' | 'redeem' | 'status' | 'rebalance', f: VaultFlags): Promise<void> {
  httpUrl('--rpc', f.rpc);
  const { vaultCommand } = await import('./vault-run.ts');
  await vaultCommand(cmd, f);
}

export function registerVault(program: Command): void {
  const vault = program
    .command('vault')
    .description('an on-chain basket vault (BallastBasket): deploy, issue, redeem, status, rebalance');
  common(vault.command('deploy'), true)
    .description('deploy a basket over fixture tokens; its keeper and owner are the key’s account')
    .requiredOption('--assets <symbols>', 'comma-separated token symbols of the chain file, e.g. WETH,USDC')
    .requiredOption('--targets <bps>', 'comma-separated target weights in bps, summing to 10000, e.g. 5000,5000')
    .option('--band-abs-bps <n>', 'rebalance when an asset is more than this off its target', '200')
    .option('--min-interval <s>', 'seconds between two rebalances', '3600')
    .option('--max-loss-bps <n>', 'most value one rebalance may lose', '100')
    .option('--max-turnover-bps <n>', 'most value one rebalance may sell', '10000')
    .option('--keeper-window <s>', 'after this long without a rebalance anyone may rebalance (0: never)', '86400')
    .option('--share-usd <n>', 'USD value of one share at genesis', '100')
    .action((f: VaultFlags) => {
      whole('--band-abs-bps', f.bandAbsBps ?? '200', 1, 10_000);
      whole('--min-interval', f.minInterval ?? '3600', 0, 2 ** 32 - 1);
      whole('--max-loss-bps', f.maxLossBps ?? '100', 0, 10_000);
      whole('--max-turnover-bps', f.maxTurnoverBps ?? '10000', 0, 10_000);
      whole('--keeper-window', f.keeperWindow ?? '86400', 0, 2 ** 32 - 1);
      whole('--share-usd', f.shareUsd ?? '100', 1, 1e12);
      return run('deploy', f);
    });
  for (const name of ['issue', 'redeem'] as const)
    common(vault.command(name), true)
      .description(
        name === 'issue'
          ? 'issue shares: pays each asset’s previewIssue (approves the basket first)'
          : 'redeem shares: receives each asset’s previewRedeem',
      )
      .requiredOption('--basket <address>', 'the basket')
      .requiredOption('--shares <x>', 'shares, a decimal (18 decimals)')
      .action((f: VaultFlags) => {
        basketFlag(f.basket);
        sharesFlag(f.shares);
        return run(name, f);
      });
  common(vault.command('status'), false)
    .description('NAV per share at oracle prices, weights against targets, profile, pending change, last rebalances')
    .requiredOption('--basket <address>', 'the basket')
    .option('--events <n>', 'how many of the last rebalances to show', '5')
    .action((f: VaultFlags) => {
      basketFlag(f.basket);
      whole('--events', f.events ?? '5', 0, 1000);
      return run('status', f);
    });
  common(vault.command('rebalance'), true)
    .description('route legs to the targets; check them off-chain as the contract will; --execute sends')
    .requiredOption('--basket <address>', 'the basket')
    .option('--max-slippage-bps <n>', 'each leg’s minimum output below its expected output', '50')
    .option('--fraction <x>', 'fraction of the way to the targets, in (0, 1]', '1')
    .action((f: VaultFlags) => {
      basketFlag(f.basket);
      whole('--max-slippage-bps', f.maxSlippageBps ?? '50', 0, 9_999);
      fractionFlag(f.fraction);
      return run('rebalance', f);
    });
}
