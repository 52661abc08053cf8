/**
 * The seam for venues that execute a whole cycle's trades as ONE atomic transaction (issue #21 item 2: the
 * on-chain basket checks drift over all legs together and allows one rebalance per interval, so its orders
 * cannot go one by one). The gate (`src/service/gate/send-orders.ts`) applies every per-order rule (claim,
 * limits, validated price, slippage) to each trade first, exactly as for any venue, then hands the trades that
 * passed to `placeBatch` in one call. Before anything is observed or planned, the runner calls
 * `settleUnfinished`, which resolves by lookup the batches a crash left unfinished and refuses (throws) while
 * one stays unresolved: no second batch is ever planned meanwhile.
 */
import type { Venue } from './ports.ts';

/** A trade of the core's plan that passed the gate's rules. */
export interface BatchTrade {
  readonly asset: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  /** In the quote. */
  readonly notional: number;
  /** The validated price the gate checked it against. */
  readonly referencePrice: number;
}

/** Named crash points of a batch, for crash trials (production passes no hook). */
export type BatchCrashPoint = 'batch_before_sign' | 'batch_signed' | 'batch_journaled' | 'batch_broadcast';

export interface BatchRequest {
  readonly portfolioId: string;
  /** The decision's cycle: one transaction per (portfolio, cycle), enforced by the journal's client id. */
  readonly cycle: number;
  readonly quote: string;
  readonly trades: readonly BatchTrade[];
  readonly hook?: (point: BatchCrashPoint, id: string) => void;
}

export type BatchOutcome =
  /** Mined and succeeded. */
  | { readonly status: 'filled'; readonly txHash: string; readonly legs: number; readonly reason: string }
  /** Certainly not sent: the off-chain check (or the node's simulation) refuses it; `reason` says why. */
  | { readonly status: 'refused'; readonly code: string; readonly reason: string }
  /** Mined and reverted (journaled; the next cycle plans afresh). */
  | { readonly status: 'reverted'; readonly txHash: string; readonly reason: string }
  /** Maybe out: journaled, resolved by lookup before the next cycle plans anything. */
  | { readonly status: 'unknown'; readonly txHash?: string; readonly reason: string };

export interface SettleReport {
  /** Transactions settled by this call (hash and final state). */
  readonly settled: readonly {
    readonly txHash: string;
    readonly state: string;
    /** What the mined transaction did, when the venue can tell (a lever transaction: the flash fee paid). */
    readonly outcome?: string;
  }[];
}

export interface AtomicBatchVenue extends Venue {
  readonly atomicBatch: true;
  /** Resolves unfinished batches by lookup; throws (next: lookup) while one is still unresolved. */
  settleUnfinished(portfolioId: string): Promise<SettleReport>;
  placeBatch(request: BatchRequest): Promise<BatchOutcome>;
}

export function isAtomicBatchVenue(v: Venue): v is AtomicBatchVenue {
  return (v as Partial<AtomicBatchVenue>).atomicBatch === true;
}
