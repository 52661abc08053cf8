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
  aavePool?: string;
  sleeve?: string;
  buffer?: string;
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

/** `--aave-pool`: `fixture` (the chain file's Aave Pool) or an address; absent: a plain basket. */
export function aavePoolFlag(v: string | undefined): 'fixture' | `0x${string}` | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (t === 'fixture') return t;
  if (!/^0x[0-9a-fA-F]{40}$/.test(t))
    throw new UsageError(`--aave-pool: ${JSON.stringify(v)} is neither "fixture" nor an address`);
  return t as `0x${string}`;
}

function symbolPairs(flag: string, v: string, value: RegExp, what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of v.split(',')) {
    const m = /^\s*([A-Za-z0-9.]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m || !value.test(m[2]!)) throw new UsageError(`${flag}: ${JSON.stringify(part)} is not SYMBOL=${what}`);
    if (out.has(m[1]!)) throw new UsageError(`${flag}: ${m[1]} is given twice`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * `--sleeve WETH=0.5,USDC=0.5 [--buffer USDC=100]`: per asset, the share of its holding kept supplied in the
 * basket's Aave sleeve (in [0, 1]) and the liquid buffer in whole tokens (default 0). A buffer for an asset
 * `--sleeve` does not list is refused.
 */
export function sleeveFlags(
  sleeve: string | undefined,
  buffer: string | undefined,
): Record<string, { share: number; buffer: string }> {
  if (sleeve === undefined) {
    if (buffer !== undefined) throw new UsageError('--buffer: needs --sleeve (the share of each asset kept supplied)');
    return {};
  }
  const shares = symbolPairs('--sleeve', sleeve, /^\d+(\.\d+)?$/, 'SHARE (a number in [0, 1])');
  const buffers =
    buffer === undefined
      ? new Map<string, string>()
      : symbolPairs('--buffer', buffer, /^\d+(\.\d+)?$/, 'TOKENS (a non-negative decimal)');
  const out: Record<string, { share: number; buffer: string }> = {};
  for (const [sym, x] of shares) {
    const share = Number(x);
    if (!(share >= 0 && share <= 1)) throw new UsageError(`--sleeve: ${sym}=${x}: the share must be in [0, 1]`);
    out[sym] = { share, buffer: buffers.get(sym) ?? '0' };
  }
  for (const sym of buffers.keys())
    if (!shares.has(sym)) throw new UsageError(`--buffer: ${sym} is not in --sleeve (a buffer needs its share)`);
  return out;
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
    .option(
      '--aave-pool <pool>',
      'deploy a BallastSleeveBasket with an idle sleeve on this Aave v3 Pool (`fixture`: the chain file’s)',
    )
    .action((f: VaultFlags) => {
      aavePoolFlag(f.aavePool);
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
    .option('--sleeve <sym=share,…>', 'a sleeve basket: each asset’s share kept supplied to Aave, in [0, 1]')
    .option('--buffer <sym=tokens,…>', 'with --sleeve: whole tokens of each asset kept liquid (default 0)')
    .action((f: VaultFlags) => {
      sleeveFlags(f.sleeve, f.buffer);
      basketFlag(f.basket);
      whole('--max-slippage-bps', f.maxSlippageBps ?? '50', 0, 9_999);
      fractionFlag(f.fraction);
      return run('rebalance', f);
    });
}
