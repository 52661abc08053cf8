/**
 * The order protocol's rules that do not depend on the database: how a venue status maps to a journal state,
 * the "never step back" rule for reports that arrive out of order, and the queries both journals run. The
 * SQLite journal (./orders.ts) and the PostgreSQL one (./postgres/orders.ts) import them, so the rule lives in
 * one place.
 */
import { type IntentState, isTerminal, UNFINISHED_STATES } from '../core/orders/order-states.ts';
import type { OrderState, OrderStatus } from '../core/ports.ts';
import { JournalConflictError, JournalInputError } from './errors.ts';
import { requireFinite } from './intent-core.ts';
import type { IntentInput, IntentRow } from './intent-rows.ts';

/** Outcomes a lookup can resolve an intent to. */
export type ResolveOutcome = 'open' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'not_placed';

/** One lookup to journal and the transitions it implies, in order. */
export interface LookupWrite {
  readonly clientOrderId: string;
  readonly at: number;
  readonly outcome: OrderState | { error: string };
  readonly transitions: readonly (
    | { readonly kind: 'unknown'; readonly reason: string }
    | {
        readonly kind: 'resolve';
        readonly outcome: ResolveOutcome;
        readonly reason: string;
        readonly state?: OrderState;
      }
  )[];
}

// Venue reports can arrive out of order (a stale "open" after a partial fill): never step back.
const PROGRESS: Readonly<Record<IntentState, number>> = {
  committed: 0,
  sent: 1,
  unknown: 1,
  open: 2,
  partially_filled: 3,
  filled: 4,
  canceled: 4,
  rejected: 4,
  not_placed: 4,
};

/** The journal state a venue status acknowledges; `not_found` is no acknowledgement (the not-placed rule decides). */
export function statusToState(cid: string, status: OrderStatus): Exclude<ResolveOutcome, 'not_placed'> {
  if (status === 'not_found')
    throw new JournalInputError(
      'status',
      `order ${cid}: 'not_found' is not an acknowledgement; record it with recordLookup and resolve by the not-placed rule`,
    );
  return status;
}

/** The state a report moves an intent to: its own, unless it is a stale non-terminal report behind `current`. */
export function reportedTarget(to: Exclude<ResolveOutcome, 'not_placed'>, current: IntentState): IntentState {
  return !isTerminal(to) && PROGRESS[to] < PROGRESS[current] ? current : to;
}

/** The event detail a venue report leaves on the transition (none without a report). */
export function reportDetail(state: OrderState | undefined, newFills: number) {
  return state === undefined
    ? undefined
    : { status: state.status, filledQuantity: state.filledQuantity, averagePrice: state.averagePrice, newFills };
}

/** Exchange intents start-up reconciliation must resolve, oldest first (`?` = the portfolio when given). */
export function unfinishedSql(onePortfolio: boolean): string {
  const states = UNFINISHED_STATES.map((s) => `'${s}'`).join(',');
  return `SELECT * FROM order_intents WHERE kind = 'order' AND state IN (${states})${onePortfolio ? ' AND portfolio_id = ?' : ''} ORDER BY id`;
}

const LISTED =
  'SELECT *, (SELECT SUM(f.matched) FROM fills f WHERE f.intent_id = order_intents.id) AS fills_matched, (SELECT SUM(f.routed) FROM fills f WHERE f.intent_id = order_intents.id) AS fills_routed FROM order_intents';

/** A portfolio's exchange intents, newest first: `?` = portfolio, (cycle), limit. */
export const listSql = (oneCycle: boolean): string =>
  `${LISTED} WHERE kind = 'order' AND portfolio_id = ?${oneCycle ? ' AND cycle = ?' : ''} ORDER BY id DESC LIMIT ?`;

/** Every fill of a portfolio, oldest first: `?` = portfolio (quoted aliases: PostgreSQL folds case otherwise). */
export const PORTFOLIO_FILLS_SQL = `SELECT i.client_order_id AS "clientOrderId", f.venue, f.trade_id AS "tradeId", f.quantity, f.price, f.fee, f.fee_asset AS "feeAsset", f.at, f.matched, f.routed
  FROM fills f JOIN order_intents i ON i.id = f.intent_id WHERE i.portfolio_id = ? ORDER BY f.id`;

/** Every fill of every portfolio, oldest first, with its intent's side and pair (the trials' ledger). */
export const ALL_FILLS_SQL = `SELECT i.client_order_id AS "clientOrderId", f.venue, f.trade_id AS "tradeId", f.quantity, f.price, f.fee,
       f.fee_asset AS "feeAsset", f.at, i.side, i.asset, i.quote
  FROM fills f JOIN order_intents i ON i.id = f.intent_id ORDER BY f.id`;

/**
 * Checks an intent before either journal writes it (one line naming the field) and returns its stored limit price
 * (null for a market order).
 */
export function checkIntentInput(input: IntentInput): number | null {
  requireFinite('quantity', input.quantity, { positive: true });
  requireFinite('referencePrice', input.referencePrice, { positive: true });
  requireFinite('at', input.at);
  if (input.side !== 'buy' && input.side !== 'sell')
    throw new JournalInputError('side', `must be 'buy' or 'sell', got ${String(input.side)}`);
  if (input.orderType !== 'market' && input.orderType !== 'limit')
    throw new JournalInputError('orderType', `must be 'market' or 'limit', got ${String(input.orderType)}`);
  if (input.orderType === 'limit') requireFinite('limitPrice', input.limitPrice ?? Number.NaN, { positive: true });
  for (const f of ['venue', 'asset', 'quote'] as const)
    if (input[f].length === 0) throw new JournalInputError(f, 'must not be empty');
  return input.orderType === 'limit' ? (input.limitPrice ?? null) : null;
}

/** Committing an intent again is idempotent only with the same fields; otherwise it is a conflict. */
export function requireSameIntent(cid: string, existing: IntentRow, input: IntentInput, limit: number | null): void {
  const same =
    existing.venue === input.venue &&
    existing.asset === input.asset &&
    existing.quote === input.quote &&
    existing.side === input.side &&
    existing.quantity === input.quantity &&
    existing.order_type === input.orderType &&
    existing.limit_price === limit &&
    existing.reference_price === input.referencePrice;
  if (!same)
    throw new JournalConflictError(
      `journal: intent ${cid} (${input.portfolioId} cycle ${input.cycle} leg ${input.leg} child ${input.child}) is already committed with other fields; a re-peg or chunk must use a new child number.`,
    );
}
