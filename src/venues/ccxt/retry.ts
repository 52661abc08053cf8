/** Bounded retries for idempotent reads (balances, prices, lookups): never used for order creation. */
import { classify, type ErrorClass } from './errors.ts';

export interface RetryPolicy {
  /** Total attempts, ≥ 1. Default 3. */
  readonly attempts?: number;
  /** First back-off in ms, doubled each time. Default 250. */
  readonly baseDelayMs?: number;
}

const RETRYABLE: ReadonlySet<ErrorClass> = new Set(['rate-limit', 'unknown']);

export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const attempts = Math.max(1, policy.attempts ?? 3);
  const base = policy.baseDelayMs ?? 250;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || !RETRYABLE.has(classify(e))) throw e;
      await new Promise((r) => setTimeout(r, base * 2 ** (i - 1)));
    }
  }
}
