/**
 * Issue #6's rule for an order whose send timed out: it is declared not placed only after at least
 * `minLookups` (3) lookups by client order id found nothing, spread over at least max(recvWindow, 60 s)
 * from the first to the last. Why: an exchange may still accept a request up to recvWindow after its
 * timestamp, and its order index can lag; three misses over that span make a late acceptance implausible.
 * A lookup that FOUND the order, or failed with an error, does not count. Pure: times come in as arguments.
 */

export interface NotPlacedRuleOptions {
  /** The venue's recvWindow in ms (Binance default 5000). */
  readonly recvWindowMs: number;
  /** Default 3. */
  readonly minLookups?: number;
  /** Floor of the span, default 60 000 ms. */
  readonly minSpanMs?: number;
}

export interface NotPlacedVerdict {
  readonly notPlaced: boolean;
  /** Not-found lookups counted. */
  readonly lookups: number;
  /** Span from first to last counted lookup (ms). */
  readonly spanMs: number;
  /** The span the rule requires (ms). */
  readonly requiredSpanMs: number;
  /** Earliest time at which another lookup could satisfy the rule (when not yet satisfied), ms. */
  readonly earliestAt?: number;
}

export function notPlacedVerdict(notFoundTimes: readonly number[], options: NotPlacedRuleOptions): NotPlacedVerdict {
  const minLookups = options.minLookups ?? 3;
  const requiredSpanMs = Math.max(options.recvWindowMs, options.minSpanMs ?? 60_000);
  const times = notFoundTimes.filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
  const lookups = times.length;
  if (lookups === 0) return { notPlaced: false, lookups, spanMs: 0, requiredSpanMs };
  const first = times[0];
  const last = times[lookups - 1];
  const spanMs = last - first;
  const notPlaced = lookups >= minLookups && spanMs >= requiredSpanMs;
  if (notPlaced) return { notPlaced, lookups, spanMs, requiredSpanMs };
  return { notPlaced, lookups, spanMs, requiredSpanMs, earliestAt: Math.max(first + requiredSpanMs, last) };
}

/** Shorthand: true when the order may be marked not placed. */
export function shouldMarkNotPlaced(notFoundTimes: readonly number[], options: NotPlacedRuleOptions): boolean {
  return notPlacedVerdict(notFoundTimes, options).notPlaced;
}
