/**
 * The order protocol (issue #4 §4, #6 §3). Journal first: an intent is committed (fsync'd:
 * synchronous=FULL) BEFORE it is sent, with a deterministic client order id; then
 *   commitIntent → markSent → recordAck | recordFill | markRejected | markUnknown
 * and, after a crash or a timeout, recordLookup → resolveIntent. A send that times out is `unknown`,
 * never "failed"; while any leg of a portfolio is unknown, no new order is sent for it
 * (hasUnknownLegs; sendIntent enforces it). markSent refuses an intent that already left: a leg is
 * never sent twice.
 */

import { clientOrderIdFromPrefix } from '../core/orders/client-order-id.ts';
import { type IntentState, isTerminal } from '../core/orders/order-states.ts';
import type { Fill, OrderRequest, OrderState } from '../core/ports.ts';
import { IllegalTransitionError } from './errors.ts';
import { IntentCore, writeTx } from './intent-core.ts';
import {
  explainedOf,
  type FillRecord,
  type IntentInput,
  type IntentRow,
  type ListedRow,
  type OrderEvent,
  type OrderIntent,
  type OrderLookup,
  toListedOrder,
  toOrderIntent,
} from './intent-rows.ts';
import type { SqliteDatabase } from './open-database.ts';
import {
  ALL_FILLS_SQL,
  checkIntentInput,
  type LookupWrite,
  listSql,
  PORTFOLIO_FILLS_SQL,
  type ResolveOutcome,
  reportDetail,
  reportedTarget,
  requireSameIntent,
  statusToState,
  unfinishedSql,
} from './order-rules.ts';

export type { LookupWrite, ResolveOutcome } from './order-rules.ts';

export class OrderJournal {
  readonly core: IntentCore;
  private readonly insertIntent;

  constructor(private readonly db: SqliteDatabase) {
    this.core = new IntentCore(db);
    this.insertIntent = db.prepare(
      `INSERT INTO order_intents (client_order_id, portfolio_id, cycle, leg, child, kind, venue, asset, quote, side, quantity, order_type, limit_price, reference_price, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'order', ?, ?, ?, ?, ?, ?, ?, ?, 'committed', ?, ?)`,
    );
  }

  /** The id commitIntent would give, without writing. */
  clientOrderIdFor(portfolioId: string, cycle: number, leg: number, child: number): string {
    return clientOrderIdFromPrefix(this.core.prefixOf(portfolioId), cycle, leg, child);
  }

  /**
   * Commits an intent durably (returns after fsync). Committing the same intent again with the same
   * fields returns the journaled one unchanged; with different fields it is a conflict.
   */
  commitIntent(input: IntentInput): OrderIntent {
    const limit = checkIntentInput(input);
    return writeTx(this.db, () => {
      const cid = this.clientOrderIdFor(input.portfolioId, input.cycle, input.leg, input.child);
      const existing = this.core.findRow(cid);
      if (existing !== undefined) {
        requireSameIntent(cid, existing, input, limit);
        return toOrderIntent(existing);
      }
      this.core.requireCycle(input.portfolioId, input.cycle);
      const r = this.insertIntent.run(
        cid,
        input.portfolioId,
        input.cycle,
        input.leg,
        input.child,
        input.venue,
        input.asset,
        input.quote,
        input.side,
        input.quantity,
        input.orderType,
        limit,
        input.referencePrice,
        input.at,
        input.at,
      );
      this.core.created(Number(r.lastInsertRowid), input.at);
      return toOrderIntent(this.core.row(cid));
    });
  }

  /** Journals that the request is about to leave. Only a `committed` intent may be sent, once. */
  markSent(clientOrderId: string, at: number): OrderIntent {
    return writeTx(this.db, () => {
      const row = this.core.row(clientOrderId);
      if (row.state !== 'committed') throw new IllegalTransitionError(clientOrderId, row.state, 'sent');
      return toOrderIntent(this.core.transition(row, 'sent', { reason: 'request sent', at }));
    });
  }

  /** The venue's answer to place() (or a later status report): fills recorded, state advanced. */
  recordAck(clientOrderId: string, state: OrderState, at: number): OrderIntent {
    return writeTx(this.db, () =>
      toOrderIntent(
        this.apply(
          this.core.row(clientOrderId),
          statusToState(clientOrderId, state.status),
          state,
          at,
          state.reason ?? `venue reports ${state.status}`,
        ),
      ),
    );
  }

  /** One fill; recording the same venue trade id twice is a no-op (inserted: false). */
  recordFill(clientOrderId: string, fill: Fill, at: number): { inserted: boolean; intent: OrderIntent } {
    return writeTx(this.db, () => {
      let row = this.core.row(clientOrderId);
      const inserted = this.core.addFill(row, fill, at);
      row = this.core.refreshTotals(row, at);
      if (inserted && !isTerminal(row.state) && row.state !== 'partially_filled') {
        row = this.core.transition(row, 'partially_filled', { reason: `fill ${fill.tradeId}`, at });
      }
      return { inserted, intent: toOrderIntent(row) };
    });
  }

  /** The send's outcome is not known (timeout, dropped connection): resolve by lookup, never re-send. */
  markUnknown(clientOrderId: string, reason: string, at: number): OrderIntent {
    return writeTx(this.db, () =>
      toOrderIntent(this.core.transition(this.core.row(clientOrderId), 'unknown', { reason, at })),
    );
  }

  /** The venue certainly did not accept the order. */
  markRejected(clientOrderId: string, reason: string, at: number): OrderIntent {
    return writeTx(this.db, () =>
      toOrderIntent(this.core.transition(this.core.row(clientOrderId), 'rejected', { reason, at })),
    );
  }

  /** Journals one lookup by client order id (found, not found, or failed) for the not-placed rule. */
  recordLookup(clientOrderId: string, at: number, outcome: OrderState | { error: string }): void {
    writeTx(this.db, () => {
      const row = this.core.row(clientOrderId);
      if ('error' in outcome) this.core.recordLookup(row, at, 'error', null, outcome.error);
      else
        this.core.recordLookup(row, at, outcome.status === 'not_found' ? 'not_found' : 'found', outcome.status, null);
    });
  }

  /** Times of the not-found lookups of an intent (input of notPlacedVerdict). */
  notFoundTimes(clientOrderId: string): number[] {
    return this.core.notFoundTimes(this.core.row(clientOrderId));
  }

  /**
   * Resolves an unfinished intent after a lookup: to the status the venue reports (its fills recorded),
   * or to not_placed (the caller has applied the not-placed rule, or the intent was never sent).
   */
  resolveIntent(
    clientOrderId: string,
    outcome: ResolveOutcome,
    input: { reason: string; at: number; state?: OrderState },
  ): OrderIntent {
    return writeTx(this.db, () => {
      const row = this.core.row(clientOrderId);
      if (outcome === 'not_placed')
        return toOrderIntent(this.core.transition(row, 'not_placed', { reason: input.reason, at: input.at }));
      return toOrderIntent(this.apply(row, outcome, input.state, input.at, input.reason));
    });
  }

  private apply(
    row: IntentRow,
    to: Exclude<ResolveOutcome, 'not_placed'>,
    state: OrderState | undefined,
    at: number,
    reason: string,
  ): IntentRow {
    let r = row;
    let fresh = 0;
    for (const f of state?.fills ?? []) if (this.core.addFill(r, f, at)) fresh += 1;
    r = this.core.refreshTotals(r, at, state);
    const target = reportedTarget(to, r.state);
    const detail = reportDetail(state, fresh);
    return this.core.transition(r, target, { reason, at, venueOrderId: state?.venueOrderId, detail });
  }

  /** True while any leg of the portfolio is `unknown`: no new order may be sent for it. */
  hasUnknownLegs(portfolioId: string): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM order_intents WHERE portfolio_id = ? AND state = 'unknown' LIMIT 1")
        .get(portfolioId) !== undefined
    );
  }

  /** Intents (orders and chain transactions) per state, for status and metrics. */
  countsByState(portfolioId?: string): Partial<Record<IntentState, number>> {
    const rows = this.db
      .prepare('SELECT state, COUNT(*) AS n FROM order_intents WHERE (? IS NULL OR portfolio_id = ?) GROUP BY state')
      .all(portfolioId ?? null, portfolioId ?? null) as { state: IntentState; n: number }[];
    const out: Partial<Record<IntentState, number>> = {};
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  /** Exchange intents start-up reconciliation must resolve (committed, sent, unknown, open, partially filled), oldest first. */
  unfinishedIntents(portfolioId?: string): OrderIntent[] {
    const sql = unfinishedSql(portfolioId !== undefined);
    const rows = (
      portfolioId === undefined ? this.db.prepare(sql).all() : this.db.prepare(sql).all(portfolioId)
    ) as IntentRow[];
    return rows.map(toOrderIntent);
  }

  find(clientOrderId: string): OrderIntent | undefined {
    const r = this.core.findRow(clientOrderId);
    return r === undefined || r.kind !== 'order' ? undefined : toOrderIntent(r);
  }

  get(clientOrderId: string): OrderIntent {
    return toOrderIntent(this.core.row(clientOrderId));
  }

  /** A portfolio's exchange intents, newest first (optionally one cycle). */
  list(portfolioId: string, options: { cycle?: number; limit?: number } = {}): OrderIntent[] {
    const limit = options.limit ?? 500;
    const rows =
      options.cycle === undefined
        ? this.db.prepare(listSql(false)).all(portfolioId, limit)
        : this.db.prepare(listSql(true)).all(portfolioId, options.cycle, limit);
    return (rows as ListedRow[]).map(toListedOrder);
  }

  events(clientOrderId: string): OrderEvent[] {
    return this.core.events(clientOrderId);
  }

  lookups(clientOrderId: string): OrderLookup[] {
    return this.core.lookups(clientOrderId);
  }

  fills(clientOrderId: string): FillRecord[] {
    return this.core.fills(clientOrderId);
  }

  /** Every fill of a portfolio, oldest first (for balances, TWR and the crash trials' accounting). */
  portfolioFills(portfolioId: string): FillRecord[] {
    return (
      this.db.prepare(PORTFOLIO_FILLS_SQL).all(portfolioId) as (FillRecord & {
        matched: number | null;
        routed: number | null;
      })[]
    ).map(({ matched, routed, ...r }) => ({ ...r, ...explainedOf({ matched, routed }) }));
  }

  /**
   * Journals a batch of lookups and the transitions they imply (decided by the order protocol,
   * src/orders/reconcile.ts) in one transaction, one fsync per batch. Each item is its own savepoint: an
   * item the state machine refuses is rolled back alone and reported as `{ error }`.
   */
  recordLookups(items: readonly LookupWrite[]): ({ state: IntentState } | { error: string })[] {
    return this.transaction(() =>
      items.map((it) => {
        try {
          return this.transaction(() => {
            this.recordLookup(it.clientOrderId, it.at, it.outcome);
            for (const t of it.transitions) {
              if (t.kind === 'unknown') this.markUnknown(it.clientOrderId, t.reason, it.at);
              else
                this.resolveIntent(it.clientOrderId, t.outcome, {
                  reason: t.reason,
                  at: it.at,
                  ...(t.state === undefined ? {} : { state: t.state }),
                });
            }
            return { state: this.get(it.clientOrderId).state };
          });
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  }

  /** Runs `fn` in one IMMEDIATE transaction (a savepoint when already inside one): all of it or nothing. */
  transaction<T>(fn: () => T): T {
    return writeTx(this.core.db, fn);
  }

  /** Every fill of every portfolio, oldest first, with its intent's side and pair (the trials' ledger). */
  allFills(): (FillRecord & { side: 'buy' | 'sell'; asset: string; quote: string })[] {
    return this.db.prepare(ALL_FILLS_SQL).all() as (FillRecord & {
      side: 'buy' | 'sell';
      asset: string;
      quote: string;
    })[];
  }

  /** The request to send for a journaled intent. */
  toOrderRequest(intent: OrderIntent): OrderRequest {
    return {
      clientOrderId: intent.clientOrderId,
      asset: intent.asset,
      quote: intent.quote,
      side: intent.side,
      quantity: intent.quantity,
      type: intent.orderType,
      ...(intent.limitPrice === null ? {} : { limitPrice: intent.limitPrice }),
      referencePrice: intent.referencePrice,
    };
  }
}
