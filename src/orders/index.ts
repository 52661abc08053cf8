/** The order protocol (docs/architecture.md): its pure rules (src/core/orders/) and its moves over a store and a venue. */
export {
  CLIENT_ORDER_ID_LENGTH,
  clientOrderId,
  clientOrderIdFromPrefix,
  MAX_CHILD,
  MAX_CYCLE,
  MAX_LEG,
  parseClientOrderId,
  portfolioPrefix,
} from '../core/orders/client-order-id.ts';
export { CRASH_POINTS, type CrashHook, type CrashPoint } from '../core/orders/crash-points.ts';
export {
  type NotPlacedRuleOptions,
  type NotPlacedVerdict,
  notPlacedVerdict,
  shouldMarkNotPlaced,
} from '../core/orders/not-placed-rule.ts';
export {
  canTransition,
  INTENT_STATES,
  type IntentState,
  isTerminal,
  isUnfinished,
  TERMINAL_STATES,
  UNFINISHED_STATES,
} from '../core/orders/order-states.ts';
export {
  type ReconcileItem,
  type ReconcileOptions,
  type ReconcileReport,
  reconcileUnfinished,
  recoverOnStart,
  type VenueSource,
} from './reconcile.ts';
export { sendIntent } from './send-intent.ts';
