/**
 * The trials' numbered crash points (#6 §4). The service calls its hook at the journal's step boundaries
 * (src/core/orders/crash-points.ts) plus 'after_intent_committed'; 'after_outcome_journaled' is split
 * by whether the journaled outcome carried a fill.
 */
import type { CrashPoint } from '../../src/core/orders/crash-points.ts';
import type { ServiceCrashPoint } from '../../src/service/gate/send-orders.ts';

export const TRIAL_POINTS = [
  'P1_after_intent_commit', // intent committed with its client order id, nothing sent
  'P2_after_sent_journaled', // `sent` fsynced, the request not yet out
  'P3_after_send', // the venue answered (or timed out); the answer not yet journaled
  'P4_after_ack', // an acknowledgement without fills journaled (open, rejected or unknown)
  'P5_after_fill', // an acknowledgement with its fills journaled
  'P6_reconcile_after_lookup', // reconciliation: a lookup answered, its result not yet committed
  'P7_reconcile_after_commit', // reconciliation: a batch of results committed
] as const;
export type TrialPoint = (typeof TRIAL_POINTS)[number];

/** A basket's batch points (src/venues/atomic-batch.ts) keep their own names. */
export function trialPoint(
  p: ServiceCrashPoint,
  filledQuantity: number | undefined,
): TrialPoint | Exclude<ServiceCrashPoint, CrashPoint | 'after_intent_committed'> {
  switch (p) {
    case 'after_intent_committed':
      return 'P1_after_intent_commit';
    case 'after_sent_journaled':
      return 'P2_after_sent_journaled';
    case 'after_venue_answer':
      return 'P3_after_send';
    case 'after_outcome_journaled':
      return (filledQuantity ?? 0) > 0 ? 'P5_after_fill' : 'P4_after_ack';
    case 'reconcile_after_lookup':
      return 'P6_reconcile_after_lookup';
    case 'reconcile_after_commit':
      return 'P7_reconcile_after_commit';
    default:
      return p;
  }
}
