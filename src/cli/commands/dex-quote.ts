/**
 * `ballast dex quote --rpc URL --sell TOKEN --buy TOKEN --amount X [--gas-price GWEI] [--json]` (issue #7 §4).
 * Pools, tokens and helper contracts come from the chain file that `ballast chain up` writes (default
 * .ballast/chain.json); pool state is read with one multicall at the latest block and routed by src/dex/router.
 */

import { existsSync } from 'node:fs';
import { type Address, BaseError, getAddress, isAddress, type PublicClient, parseAbi } from 'viem';
import { findChainFile } from '../../chain/chain-file.ts';
import { chainFileClient } from '../../chain/client.ts';
import { readRouteStates, routePools } from '../../chain/fixture/route-pools.ts';
import type { Fixture } from '../../chain/fixture/types.ts';
import { BallastError, type Next } from '../../core/errors.ts';
import { formatRoute } from '../../dex/router/format.ts';
import { route } from '../../dex/router/route.ts';
import type { Route } from '../../dex/router/types.ts';
import { buildSwapPools } from '../../dex/state/index.ts';
import { readTextFile } from '../io.ts';

export class QuoteError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'QuoteError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The node answers and is the chain file's chain; else one line naming the RPC URL. */
export async function requireChain(client: PublicClient, rpc: string, chainId: number): Promise<void> {
  let id: number;
  try {
    id = await client.getChainId();
  } catch (e) {
    const why = e instanceof BaseError ? e.shortMessage : String(e);
    throw new QuoteError('rpc', `${rpc} does not answer (${why.split('\n')[0]!.slice(0, 120)}): is the chain up?`);
  }
  if (id !== chainId) throw new QuoteError('rpc', `${rpc} is chain id ${id}, not the chain file's ${chainId}`);
}

export interface DexQuoteOptions {
  readonly rpc: string;
  /** Symbol from the chain file (case-insensitive) or a 0x address. */
  readonly sell: string;
  readonly buy: string;
  /** Decimal amount in whole tokens of `sell`, e.g. "1.5". */
  readonly amount: string;
  /** Gas price in gwei (decimal); default: the node's eth_gasPrice. */
  readonly gasPriceGwei?: string;
  readonly json?: boolean;
  /** Pool registry written by `ballast chain up`; default .ballast/chain.json. */
  readonly chainFile?: string;
  /** Output (default: process.stdout). */
  readonly write?: (text: string) => void;
  /** Warnings, one line each (default: process.stderr). */
  readonly warn?: (line: string) => void;
}

export interface DexQuoteResult {
  readonly route: Route;
  readonly text: string;
  /** Price impact: 1 − the trade's rate / the rate of a trade a millionth its size (0 … 1). */
  readonly impact: number;
}

/** A quote moving the price more than this warns (one line on stderr). */
export const IMPACT_WARN = 0.1;

/**
 * Price impact of a trade: how much worse its rate out/in is than the marginal rate of a probe trade of
 * the same route a millionth its size (both gross of gas). 0 when the probe has no rate.
 */
export function priceImpact(amountIn: bigint, amountOut: bigint, probeIn: bigint, probeOut: bigint): number {
  if (probeIn <= 0n || probeOut <= 0n || amountIn <= 0n) return 0;
  const rate = Number(amountOut) / Number(amountIn);
  const marginal = Number(probeOut) / Number(probeIn);
  return Math.max(0, 1 - rate / marginal);
}

/** The warning for an impact above IMPACT_WARN, or null. */
export function impactWarning(impact: number, amount: string, symbol: string): string | null {
  if (!(impact > IMPACT_WARN)) return null;
  return `warning: --amount ${amount} ${symbol} moves the price ${(impact * 100).toFixed(1)}% (more than ${IMPACT_WARN * 100}%): the pools are thin for this size; trade less or in parts`;
}

export interface QuoteJson {
  readonly amountIn: string;
  readonly amountOut: string;
  readonly gas: number;
  readonly legs: { pool: string; protocol: string; path: string[]; amountIn: string; amountOut: string }[];
}

/** Exact decimal → base units; more decimals than the token has is an error, never a silent rounding. */
export function parseAmount(text: string, decimals: number, field = 'amount'): bigint {
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new QuoteError(field, `"${text}" is not a positive decimal number (e.g. 1.5)`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > decimals) {
    throw new QuoteError(
      field,
      `"${text}" has ${frac.length} decimals but the token has only ${decimals}; round it yourself`,
    );
  }
  const v = BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
  if (v === 0n) throw new QuoteError(field, 'must be greater than zero');
  return v;
}

export function loadChainFile(path: string): Fixture {
  if (!existsSync(path)) {
    throw new QuoteError(
      'chainFile',
      `${path} does not exist: start a local chain with \`ballast chain up\` (it writes it)`,
    );
  }
  const text = readTextFile(path);
  if (text.trim() === '')
    throw new QuoteError('chainFile', `${path} is empty: run \`ballast chain up\` again (it writes it)`);
  let f: Partial<Fixture>;
  try {
    f = JSON.parse(text) as Partial<Fixture>;
  } catch (e) {
    throw new QuoteError(
      'chainFile',
      `${path} is not valid JSON (${(e as Error).message.split('\n')[0]!.slice(0, 120)}): run \`ballast chain up\` again`,
    );
  }
  if (f === null || typeof f !== 'object' || !Array.isArray(f.tokens) || !Array.isArray(f.pools) || !f.contracts) {
    throw new QuoteError(
      'chainFile',
      `${path} has no tokens/pools/contracts: is it a file written by \`ballast chain up\`?`,
    );
  }
  return f as Fixture;
}

interface ResolvedToken {
  readonly address: Address;
  readonly symbol: string;
  readonly decimals: number;
}

const erc20Abi = parseAbi(['function decimals() view returns (uint8)', 'function symbol() view returns (string)']);

async function resolveToken(arg: string, field: string, f: Fixture, client: PublicClient): Promise<ResolvedToken> {
  if (isAddress(arg)) {
    const known = f.tokens.find((t) => t.address.toLowerCase() === arg.toLowerCase());
    if (known) return known;
    try {
      const address = getAddress(arg);
      const [decimals, symbol] = await Promise.all([
        client.readContract({ address, abi: erc20Abi, functionName: 'decimals' }),
        client.readContract({ address, abi: erc20Abi, functionName: 'symbol' }).catch(() => arg),
      ]);
      return { address, symbol, decimals };
    } catch {
      throw new QuoteError(field, `${arg} is not an ERC20 token on this chain (decimals() failed)`);
    }
  }
  const t = f.tokens.find((x) => x.symbol.toLowerCase() === arg.toLowerCase());
  if (!t)
    throw new QuoteError(
      field,
      `unknown token "${arg}"; known: ${f.tokens.map((x) => x.symbol).join(', ')} or a 0x address`,
    );
  return t;
}

export function routeJson(r: Route): QuoteJson {
  return {
    amountIn: r.amountIn.toString(),
    amountOut: r.amountOut.toString(),
    gas: r.gas,
    legs: r.legs.map((l) => ({
      pool: l.pool,
      protocol: l.protocol,
      path: [...l.path],
      amountIn: l.amountIn.toString(),
      amountOut: l.amountOut.toString(),
    })),
  };
}

export async function dexQuote(opts: DexQuoteOptions): Promise<DexQuoteResult> {
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const f = loadChainFile(opts.chainFile ?? findChainFile());
  const client = chainFileClient(opts.rpc, f);
  await requireChain(client, opts.rpc, f.chainId);
  if ((await client.getCode({ address: f.contracts.multicall3 })) === undefined) {
    throw new QuoteError(
      'chainFile',
      'its contracts are not on this node (a restarted chain?): run `ballast chain up` again',
    );
  }
  const sell = await resolveToken(opts.sell, 'sell', f, client);
  const buy = await resolveToken(opts.buy, 'buy', f, client);
  if (sell.address.toLowerCase() === buy.address.toLowerCase()) throw new QuoteError('buy', 'must differ from --sell');
  const amountIn = parseAmount(opts.amount, sell.decimals);
  const gasPriceWei =
    opts.gasPriceGwei !== undefined ? parseAmount(opts.gasPriceGwei, 9, 'gasPrice') : await client.getGasPrice();

  const snap = await readRouteStates(client, f);
  const { pools } = buildSwapPools(snap.states);
  // Gas is priced in the output token: 1 ETH (= 1 WETH) in output units, from the pools themselves.
  const weth = f.contracts.weth9;
  let outPerEth = 0;
  if (buy.address.toLowerCase() === weth.toLowerCase()) outPerEth = 1e18;
  else {
    try {
      const probe = route({
        pools,
        tokenIn: weth,
        tokenOut: buy.address,
        amountIn: 10n ** 15n,
        gasPriceWei: 0n,
        outPerEth: 0,
      });
      outPerEth = Number(probe.amountOut) * 1000;
    } catch {
      outPerEth = 0; // no WETH route to the output token: gas cannot be priced in it
    }
  }
  const r = route({ pools, tokenIn: sell.address, tokenOut: buy.address, amountIn, gasPriceWei, outPerEth });
  const probeIn = amountIn / 1_000_000n;
  let impact = 0;
  if (probeIn > 0n) {
    try {
      const p = route({
        pools,
        tokenIn: sell.address,
        tokenOut: buy.address,
        amountIn: probeIn,
        gasPriceWei: 0n,
        outPerEth: 0,
      });
      impact = priceImpact(amountIn, r.amountOut, probeIn, p.amountOut);
    } catch {
      impact = 0; // no rate for a trade that small: nothing to compare with
    }
  }
  const warning = impactWarning(impact, opts.amount, sell.symbol);
  if (warning !== null) (opts.warn ?? ((l: string) => process.stderr.write(`${l}\n`)))(warning);
  let text: string;
  if (opts.json) {
    text = `${JSON.stringify(routeJson(r))}\n`;
  } else {
    const symbols: Record<string, string> = {};
    const decimals: Record<string, number> = {};
    for (const t of [...f.tokens, sell, buy]) {
      symbols[t.address.toLowerCase()] = t.symbol;
      decimals[t.address.toLowerCase()] = t.decimals;
    }
    for (const p of routePools(f)) symbols[p.address.toLowerCase()] = p.label;
    text = `${formatRoute(r, { symbols, decimals })}\nblock ${snap.blockNumber}, gas price ${gasPriceWei} wei${outPerEth === 0 ? ' (not priced: no WETH route to the output token)' : ''}\n`;
  }
  write(text);
  return { route: r, text, impact };
}
