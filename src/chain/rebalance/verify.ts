/**
 * `--verify-rpc` (issue #30 item 7): an RPC can lie (show the right price with thin depth, shift reserves) and
 * every off-chain value check would trust it. With a second, independent RPC every pool state and every feed
 * the plan uses is read again from it AT THE SAME BLOCK and compared; two honest nodes agree exactly there,
 * so any numeric field apart by more than the tolerance (bps, relative) refuses the rebalance
 * (RpcDisagreementError, nothing sent). Runs when preparing and again at send time (requote).
 */
import type { Address, PublicClient } from 'viem';
import { BallastError, type Next } from '../../core/errors.ts';
import { readRouteStates, routePools } from '../fixture/route-pools.ts';
import type { Fixture } from '../fixture/types.ts';
import { aggregatorAbi, type FeedConfig } from '../oracles/feeds.ts';

export class RpcDisagreementError extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'RpcDisagreementError';
}

export interface VerifyRpc {
  readonly client: PublicClient;
  /** Largest relative gap tolerated between the two RPCs' numbers, in bps. */
  readonly toleranceBps: number;
}

/** The first place two values differ by more than `tolBps` (relative), or undefined. */
export function firstDifference(a: unknown, b: unknown, tolBps: number, path = ''): string | undefined {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const d = a > b ? a - b : b - a;
    const m = a > b ? a : b;
    const ok = d === 0n || (m > 0n ? d * 10_000n <= BigInt(Math.floor(tolBps)) * m : false);
    return ok ? undefined : `${path}: ${a} vs ${b}`;
  }
  if (typeof a === 'number' && typeof b === 'number') {
    const m = Math.max(Math.abs(a), Math.abs(b));
    return a === b || Math.abs(a - b) * 1e4 <= tolBps * m ? undefined : `${path}: ${a} vs ${b}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: ${a.length} entries vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], tolBps, `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        tolBps,
        path === '' ? k : `${path}.${k}`,
      );
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()
    ? undefined
    : a === b
      ? undefined
      : `${path}: ${String(a)} vs ${String(b)}`;
}

/** Every pool of the chain file and every feed, read from `v` at `blockNumber`, against the primary's values. */
export async function crossCheck(
  primary: PublicClient,
  v: VerifyRpc,
  f: Fixture,
  feeds: Readonly<Record<string, FeedConfig | undefined>>,
  primaryStates: readonly unknown[],
  blockNumber: bigint,
): Promise<void> {
  // the route market (v4 pools included), in the order readRouteStates reads it
  const other = await readRouteStates(v.client, f, blockNumber);
  routePools(f).forEach((p, i) => {
    const d = firstDifference(primaryStates[i], other.states[i], v.toleranceBps);
    if (d !== undefined)
      throw new RpcDisagreementError(
        `the RPCs disagree on pool ${p.address} (${p.label}) at block ${blockNumber}: ${d} (tolerance ${v.toleranceBps} bps); one of them is wrong or lying: nothing sent`,
        { details: { pool: p.address, blockNumber: blockNumber.toString() } },
      );
  });
  for (const [symbol, feed] of Object.entries(feeds)) {
    if (!feed) continue;
    const read = (c: PublicClient) =>
      c.readContract({
        address: feed.address as Address,
        abi: aggregatorAbi,
        functionName: 'latestRoundData',
        blockNumber,
      });
    const [a, b] = await Promise.all([read(primary), read(v.client)]);
    const d = firstDifference([a[1], a[3]], [b[1], b[3]], v.toleranceBps, 'answer, updatedAt');
    if (d !== undefined)
      throw new RpcDisagreementError(
        `the RPCs disagree on the ${symbol} feed ${feed.address} at block ${blockNumber}: ${d} (tolerance ${v.toleranceBps} bps); one of them is wrong or lying: nothing sent`,
        { details: { feed: feed.address, blockNumber: blockNumber.toString() } },
      );
  }
}
