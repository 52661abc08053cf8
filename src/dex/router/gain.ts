/**
 * Output gained by the optimal router over the 5%-step baseline, in bps of the baseline's net output, for trades of
 * given fractions of the pair's liquidity (issue #7, section 5). Called by the chain fixture on its real pools.
 */
import type { Address, SwapPool } from '../pools/types.ts';
import { baselineRoute } from './baseline.ts';
import { RouteRequestError } from './errors.ts';
import { buildNetwork } from './network.ts';
import { route } from './route.ts';

export interface GainOptions {
  readonly gasPriceWei?: bigint;
  readonly outPerEth?: number;
  readonly hubs?: readonly Address[];
  /** Trade sizes as fractions of the pair's liquidity; default 0.1%, 1%, 10%. */
  readonly fractions?: readonly number[];
  /** Pair liquidity in tokenIn base units; default: pairLiquidity(). */
  readonly liquidity?: bigint;
}

export interface GainRow {
  readonly fraction: number;
  readonly amountIn: bigint;
  readonly routerNetOut: bigint;
  readonly baselineNetOut: bigint;
  readonly routerLegs: number;
  readonly baselineSplits: number;
  /** (router - baseline) / baseline * 1e4. */
  readonly gainBps: number;
}

/**
 * Depth of the pair in tokenIn base units: over the direct pools, the sum of the input at which each pool's
 * marginal price falls to a quarter of its spot price (for a constant-product pool, its input reserve / fee factor).
 */
export function pairLiquidity(pools: readonly SwapPool[], tokenIn: Address, tokenOut: Address): bigint {
  const net = buildNetwork(pools, tokenIn, tokenOut, []);
  if (net.direct.length === 0)
    throw new RouteRequestError('pools', `hold no pool of the pair ${tokenIn}/${tokenOut}: pass options.liquidity`);
  let sum = 0;
  for (const e of net.direct) {
    const d = e.inputAt(e.m0 / 4);
    sum += Number.isFinite(d) ? d : 0;
  }
  return BigInt(Math.floor(sum));
}

export function gainOverBaseline(
  pools: readonly SwapPool[],
  tokenIn: Address,
  tokenOut: Address,
  opts: GainOptions = {},
): GainRow[] {
  const liquidity = opts.liquidity ?? pairLiquidity(pools, tokenIn, tokenOut);
  const fractions = opts.fractions ?? [0.001, 0.01, 0.1];
  return fractions.map((fraction) => {
    const amountIn = (liquidity * BigInt(Math.round(fraction * 1e9))) / 1_000_000_000n;
    const req = {
      pools,
      tokenIn,
      tokenOut,
      amountIn,
      gasPriceWei: opts.gasPriceWei ?? 0n,
      outPerEth: opts.outPerEth ?? 0,
      ...(opts.hubs ? { hubs: opts.hubs } : {}),
    };
    const r = route(req);
    const b = baselineRoute(req);
    const gainBps = b.netOut > 0n ? (Number(r.netOut - b.netOut) / Number(b.netOut)) * 1e4 : Number.NaN;
    return {
      fraction,
      amountIn,
      routerNetOut: r.netOut,
      baselineNetOut: b.netOut,
      routerLegs: r.legs.length,
      baselineSplits: b.splits.length,
      gainBps,
    };
  });
}
