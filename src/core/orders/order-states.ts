/**
 * The order intent state machine (pure). Exchange orders and chain transactions share it.
 *
 *   committed ──► sent ──► open ──► partially_filled ──► filled
 *       │           │        │             │
 *       │           │        ├─────────────┴──────────► canceled
 *       │           │        └──► rejected (chain: mined but reverted)
 *       │           ├──► rejected
 *       │           └──► unknown ──(lookup found)──► open | partially_filled | filled | canceled | rejected
 *       │                   └──(rule: ≥3 not-found lookups over ≥ max(recvWindow, 60 s))──► not_placed
 *       └──(start-up reconciliation: found → its status; not found → not_placed, since sent is journaled before the request)
 *
 * A send that times out is `unknown`, never "failed". Terminal states never change again (late fills
 * are still recorded as facts, without a state change).
 */

export const INTENT_STATES = [
  'committed',
  'sent',
  'open',
  'partially_filled',
  'filled',
  'canceled',
  'rejected',
  'unknown',
  'not_placed',
] as const;
export type IntentState = (typeof INTENT_STATES)[number];

/** States that start-up reconciliation must resolve against the venue. */
export const UNFINISHED_STATES: readonly IntentState[] = ['committed', 'sent', 'unknown', 'open', 'partially_filled'];
export const TERMINAL_STATES: readonly IntentState[] = ['filled', 'canceled', 'rejected', 'not_placed'];

const NEXT: Readonly<Record<IntentState, readonly IntentState[]>> = {
  committed: ['sent', 'open', 'partially_filled', 'filled', 'canceled', 'rejected', 'unknown', 'not_placed'],
  sent: ['open', 'partially_filled', 'filled', 'canceled', 'rejected', 'unknown'],
  // open → rejected: a chain transaction accepted into the mempool, then mined and reverted.
  open: ['partially_filled', 'filled', 'canceled', 'rejected'],
  partially_filled: ['filled', 'canceled'],
  unknown: ['open', 'partially_filled', 'filled', 'canceled', 'rejected', 'not_placed'],
  filled: [],
  canceled: [],
  rejected: [],
  not_placed: [],
};

export function isIntentState(s: string): s is IntentState {
  return (INTENT_STATES as readonly string[]).includes(s);
}

export function isTerminal(s: IntentState): boolean {
  return TERMINAL_STATES.includes(s);
}

export function isUnfinished(s: IntentState): boolean {
  return UNFINISHED_STATES.includes(s);
}

/** Whether `from → to` is allowed. Staying in the same state is allowed (a no-op, no event). */
export function canTransition(from: IntentState, to: IntentState): boolean {
  return from === to || NEXT[from].includes(to);
}

/** Allowed next states (for docs and tests). */
export function nextStates(from: IntentState): readonly IntentState[] {
  return NEXT[from];
}
