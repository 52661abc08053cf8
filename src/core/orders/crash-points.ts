/**
 * Named crash points at the protocol's step boundaries, for crash trials (#6 §4): a test passes a hook
 * that kills the process (process.kill(process.pid, 'SIGKILL')) when its chosen point is reached.
 * The hook runs after the step's write has committed (or, for 'after_venue_answer', after the venue
 * answered and before the answer is journaled). Production code passes no hook.
 */
export const CRASH_POINTS = [
  'after_sent_journaled',
  'after_venue_answer',
  'after_outcome_journaled',
  'reconcile_after_lookup',
  'reconcile_after_commit',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export type CrashHook = (point: CrashPoint, clientOrderId: string) => void;
