/**
 * All oracle guards before a rebalance (issue #8 §4): sequencer (L2), then every token's feed, then every
 * pool the swaps go through against the oracles. One failure refuses the whole rebalance.
 */
import type { Address, PublicClient } from 'viem';
import type { SwapPool } from '../../dex/pools/types.ts';
import { OracleGuardError } from './errors.ts';
import {
  checkSequencer,
  type FeedConfig,
  readFeed,
  type SequencerConfig,
  type ValidPrice,
  validateReading,
} from './feeds.ts';

export interface OracleConfig {
  /** Feed per token symbol (TOKEN/USD). */
  readonly feeds: Readonly<Record<string, FeedConfig | undefined>>;
  readonly sequencer?: SequencerConfig;
  /** Largest tolerated gap between a pool's marginal price (fee included) and the oracle ratio, in bps. */
  readonly maxDeviationBps: number;
}

export interface GuardToken {
  readonly symbol: string;
  readonly address: Address;
  readonly decimals: number;
}

/** Validated USD prices of `tokens` at the latest block, or OracleGuardError. */
export async function validatedPrices(
  client: PublicClient,
  cfg: OracleConfig,
  tokens: readonly GuardToken[],
): Promise<Map<string, ValidPrice>> {
  const block = await client.getBlock();
  const now = block.timestamp;
  if (cfg.sequencer) await checkSequencer(client, cfg.sequencer, now);
  const out = new Map<string, ValidPrice>();
  for (const t of tokens) {
    const feed = cfg.feeds[t.symbol];
    if (!feed)
      throw new OracleGuardError(
        'MISSING_CONFIG',
        t.symbol,
        `no feed configured: add chain.feeds.${t.symbol} with address, heartbeatSec and marginSec`,
      );
    const r = await readFeed(client, feed.address, t.symbol);
    out.set(t.address.toLowerCase(), validateReading(r, feed, now, t.symbol));
  }
  return out;
}

/** Oracle price of tokenIn in tokenOut base units per tokenIn base unit. */
export function oracleRatio(pIn: ValidPrice, pOut: ValidPrice, decIn: number, decOut: number): number {
  return (pIn.usd / pOut.usd) * 10 ** (decOut - decIn);
}

/**
 * Every pool against the oracles, in both directions of each pair of its tokens that have prices:
 * |marginal at zero / oracle ratio − 1| ≤ maxDeviationBps. The marginal includes the pool's fee (≤ 1% on the
 * fixture), so maxDeviationBps should leave room for it.
 */
export function checkPoolDeviation(
  pools: readonly SwapPool[],
  prices: ReadonlyMap<string, ValidPrice>,
  decimals: ReadonlyMap<string, number>,
  maxDeviationBps: number,
): void {
  for (const p of pools) {
    for (const a of p.tokens)
      for (const b of p.tokens) {
        if (a === b) continue;
        const pa = prices.get(a.toLowerCase());
        const pb = prices.get(b.toLowerCase());
        const da = decimals.get(a.toLowerCase());
        const db = decimals.get(b.toLowerCase());
        if (!pa || !pb || da === undefined || db === undefined) continue;
        const spot = p.marginal(a, b, 0);
        const ref = oracleRatio(pa, pb, da, db);
        const devBps = Math.abs(spot / ref - 1) * 1e4;
        if (!(devBps <= maxDeviationBps)) {
          throw new OracleGuardError(
            'DEVIATION',
            `${pa.symbol}/${pb.symbol}`,
            `pool ${p.id} (${p.protocol}) prices ${pa.symbol} ${devBps.toFixed(1)} bps away from the oracles, above maxDeviationBps ${maxDeviationBps}: the pool may be manipulated, the feed wrong, or a recent large trade (your own last rebalance included) moved it; nothing was sent: wait for arbitrage to bring it back, or raise chain.maxDeviationBps if the pool's fee needs more room`,
          );
        }
      }
  }
}

/** One swap as routed: pool, tokens and the exact amounts simulated at the planned size. */
export interface SizedSwap {
  readonly pool: string;
  readonly tokenIn: string;
  readonly tokenOut: string;
  readonly amountIn: bigint;
  readonly amountOut: bigint;
}

/**
 * Each swap's execution price at its planned size (amountOut / amountIn: fee, depth and any manipulation
 * included) against the oracle ratio, in the harmful direction only (issue #30 item 2): refused when the
 * swap yields more than maxDeviationBps less than the oracles say; a pool that pays better than the oracles
 * is fine. A swap whose tokens lack a price (none configured) is not checked here.
 */
export function checkExecutionPrices(
  swaps: readonly SizedSwap[],
  prices: ReadonlyMap<string, ValidPrice>,
  decimals: ReadonlyMap<string, number>,
  maxDeviationBps: number,
): void {
  for (const s of swaps) {
    const pa = prices.get(s.tokenIn.toLowerCase());
    const pb = prices.get(s.tokenOut.toLowerCase());
    const da = decimals.get(s.tokenIn.toLowerCase());
    const db = decimals.get(s.tokenOut.toLowerCase());
    if (!pa || !pb || da === undefined || db === undefined || s.amountIn <= 0n) continue;
    const exec = Number(s.amountOut) / Number(s.amountIn);
    const ref = oracleRatio(pa, pb, da, db);
    const lossBps = (1 - exec / ref) * 1e4;
    if (!(lossBps <= maxDeviationBps)) {
      throw new OracleGuardError(
        'DEVIATION',
        `${pa.symbol}/${pb.symbol}`,
        `pool ${s.pool} pays ${lossBps.toFixed(1)} bps less than the oracles for ${pa.symbol} → ${pb.symbol} at the planned size (fee, depth and price included), above maxDeviationBps ${maxDeviationBps}: the pool may be manipulated or thin, the feed wrong, or a recent large trade (your own last rebalance included) moved it; nothing was sent: wait for arbitrage to bring it back, trade less, or raise chain.maxDeviationBps`,
      );
    }
  }
}
