/**
 * The shared machinery of intents (exchange orders and chain transactions): state changes with their
 * append-only events, fills (idempotent per venue trade id), lookups. Every method that writes is
 * meant to run inside one IMMEDIATE transaction opened by its caller, so a state and its event, or a
 * fill and the totals it changes, are committed together or not at all.
 */

import { canTransition, type IntentState } from '../core/orders/order-states.ts';
import type { Fill } from '../core/ports.ts';
import { IllegalTransitionError, JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import {
  type EventRow,
  type FillRecord,
  type FillRow,
  type IntentRow,
  type OrderEvent,
  type OrderLookup,
  toEvent,
  toFill,
} from './intent-rows.ts';
import type { SqliteDatabase } from './open-database.ts';
import { toStoredJson } from './secrets.ts';

export interface TransitionInput {
  readonly reason?: string;
  readonly detail?: unknown;
  readonly at: number;
  readonly venueOrderId?: string;
}

/** Runs `fn` in an IMMEDIATE transaction (a savepoint when already inside one). */
export function writeTx<T>(db: SqliteDatabase, fn: () => T): T {
  return db.transaction(fn).immediate();
}

export function requireFinite(
  field: string,
  v: number,
  opts: { positive?: boolean; nonNegative?: boolean } = {},
): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new JournalInputError(field, `must be a finite number, got ${v}`);
  if (opts.positive === true && !(v > 0)) throw new JournalInputError(field, `must be > 0, got ${v}`);
  if (opts.nonNegative === true && v < 0) throw new JournalInputError(field, `must be ≥ 0, got ${v}`);
}

/** Checks a fill before either journal records it (one line naming the field). */
export function checkFill(fill: Fill): void {
  if (fill.tradeId.length === 0)
    throw new JournalInputError(
      'fill.tradeId',
      'must not be empty (venues without trade ids must derive one, e.g. clientOrderId + fill number)',
    );
  requireFinite('fill.quantity', fill.quantity, { positive: true });
  requireFinite('fill.price', fill.price, { positive: true });
  requireFinite('fill.fee', fill.fee);
  requireFinite('fill.time', fill.time);
  if (fill.explanation !== undefined) {
    requireFinite('fill.explanation.matched', fill.explanation.matched);
    requireFinite('fill.explanation.routed', fill.explanation.routed);
  }
}

/** A venue trade id recorded again must be the same fill of the same order; anything else is a conflict. */
export function requireSameFill(
  row: IntentRow,
  fill: Fill,
  existing: { intent_id: number; quantity: number; price: number },
): void {
  if (existing.intent_id !== row.id || existing.quantity !== fill.quantity || existing.price !== fill.price) {
    throw new JournalConflictError(
      `journal: ${row.venue} trade ${fill.tradeId} is already recorded ${existing.intent_id !== row.id ? 'for another order' : `with quantity ${existing.quantity} @ ${existing.price}`}; ` +
        `refusing ${fill.quantity} @ ${fill.price} for ${row.client_order_id}. Check the venue adapter's trade ids.`,
    );
  }
}

export class IntentCore {
  private readonly byCid;
  private readonly insertEvent;
  private readonly updateState;
  private readonly insertFillStmt;
  private readonly fillByTrade;
  private readonly fillTotals;
  private readonly setTotals;
  private readonly insertLookup;

  constructor(readonly db: SqliteDatabase) {
    this.byCid = db.prepare('SELECT * FROM order_intents WHERE client_order_id = ?');
    this.insertEvent = db.prepare(
      'INSERT INTO order_events (intent_id, from_state, to_state, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.updateState = db.prepare(
      'UPDATE order_intents SET state = ?, reason = COALESCE(?, reason), venue_order_id = COALESCE(?, venue_order_id), updated_at = ? WHERE id = ?',
    );
    this.insertFillStmt = db.prepare(
      'INSERT INTO fills (intent_id, venue, trade_id, quantity, price, fee, fee_asset, at, recorded_at, matched, routed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(venue, trade_id) DO NOTHING',
    );
    this.fillByTrade = db.prepare('SELECT intent_id, quantity, price FROM fills WHERE venue = ? AND trade_id = ?');
    this.fillTotals = db.prepare(
      'SELECT COALESCE(SUM(quantity), 0) AS q, COALESCE(SUM(quantity * price), 0) AS qp FROM fills WHERE intent_id = ?',
    );
    this.setTotals = db.prepare(
      'UPDATE order_intents SET filled_quantity = ?, average_price = ?, updated_at = ? WHERE id = ?',
    );
    this.insertLookup = db.prepare(
      'INSERT INTO order_lookups (intent_id, at, result, status, error) VALUES (?, ?, ?, ?, ?)',
    );
  }

  findRow(clientOrderId: string): IntentRow | undefined {
    return this.byCid.get(clientOrderId) as IntentRow | undefined;
  }

  row(clientOrderId: string): IntentRow {
    const r = this.findRow(clientOrderId);
    if (r === undefined) throw new JournalNotFoundError('order intent', clientOrderId);
    return r;
  }

  /** Appends the creation event of a freshly inserted intent. */
  created(id: number, at: number, detail?: unknown): void {
    this.insertEvent.run(
      id,
      null,
      'committed',
      'intent committed',
      detail === undefined ? null : toStoredJson('event.detail', detail),
      at,
    );
  }

  /** Moves the intent to `to` with an event; the same state is a no-op (fields still updated). */
  transition(row: IntentRow, to: IntentState, input: TransitionInput): IntentRow {
    requireFinite('at', input.at);
    if (!canTransition(row.state, to)) throw new IllegalTransitionError(row.client_order_id, row.state, to);
    this.updateState.run(to, input.reason ?? null, input.venueOrderId ?? null, input.at, row.id);
    if (to !== row.state) {
      const detail = input.detail === undefined ? null : toStoredJson('event.detail', input.detail);
      this.insertEvent.run(row.id, row.state, to, input.reason ?? null, detail, input.at);
    }
    return this.row(row.client_order_id);
  }

  /**
   * Records a fill; false when this venue trade id was already recorded (a no-op). The same trade id
   * on another order, or with other numbers, is a conflict: the venue contradicts the journal.
   */
  addFill(row: IntentRow, fill: Fill, recordedAt: number): boolean {
    checkFill(fill);
    const r = this.insertFillStmt.run(
      row.id,
      row.venue,
      fill.tradeId,
      fill.quantity,
      fill.price,
      fill.fee,
      fill.feeAsset,
      fill.time,
      recordedAt,
      fill.explanation?.matched ?? null,
      fill.explanation?.routed ?? null,
    );
    if (r.changes === 1) return true;
    const existing = this.fillByTrade.get(row.venue, fill.tradeId) as {
      intent_id: number;
      quantity: number;
      price: number;
    };
    requireSameFill(row, fill, existing);
    return false;
  }

  /**
   * Sets filled quantity and average price from the recorded fills; a larger quantity the venue reports
   * (fills not itemised yet) wins, so the journal never under-states what was executed.
   */
  refreshTotals(row: IntentRow, at: number, reported?: { filledQuantity: number; averagePrice: number }): IntentRow {
    const t = this.fillTotals.get(row.id) as { q: number; qp: number };
    let q = t.q;
    let avg = t.q > 0 ? t.qp / t.q : 0;
    if (reported !== undefined && Number.isFinite(reported.filledQuantity) && reported.filledQuantity > q) {
      q = reported.filledQuantity;
      avg = Number.isFinite(reported.averagePrice) && reported.averagePrice > 0 ? reported.averagePrice : avg;
    }
    if (q !== row.filled_quantity || avg !== row.average_price) this.setTotals.run(q, avg, at, row.id);
    return this.row(row.client_order_id);
  }

  recordLookup(
    row: IntentRow,
    at: number,
    result: OrderLookup['result'],
    status: string | null,
    error: string | null,
  ): void {
    requireFinite('at', at);
    this.insertLookup.run(row.id, at, result, status, error);
  }

  notFoundTimes(row: IntentRow): number[] {
    return (
      this.db
        .prepare("SELECT at FROM order_lookups WHERE intent_id = ? AND result = 'not_found' ORDER BY at")
        .all(row.id) as { at: number }[]
    ).map((r) => r.at);
  }

  events(clientOrderId: string): OrderEvent[] {
    const row = this.row(clientOrderId);
    return (
      this.db
        .prepare('SELECT from_state, to_state, reason, detail, at FROM order_events WHERE intent_id = ? ORDER BY id')
        .all(row.id) as EventRow[]
    ).map(toEvent);
  }

  lookups(clientOrderId: string): OrderLookup[] {
    const row = this.row(clientOrderId);
    return this.db
      .prepare('SELECT at, result, status, error FROM order_lookups WHERE intent_id = ? ORDER BY id')
      .all(row.id) as OrderLookup[];
  }

  fills(clientOrderId: string): FillRecord[] {
    const row = this.row(clientOrderId);
    return (
      this.db
        .prepare(
          'SELECT i.client_order_id, f.venue, f.trade_id, f.quantity, f.price, f.fee, f.fee_asset, f.at, f.matched, f.routed FROM fills f JOIN order_intents i ON i.id = f.intent_id WHERE f.intent_id = ? ORDER BY f.id',
        )
        .all(row.id) as FillRow[]
    ).map(toFill);
  }

  /** The client order id prefix of a registered portfolio. */
  prefixOf(portfolioId: string): string {
    const p = this.db.prepare('SELECT cid_prefix FROM portfolios WHERE id = ?').get(portfolioId) as
      | { cid_prefix: string }
      | undefined;
    if (p === undefined) throw new JournalNotFoundError('portfolio', portfolioId);
    return p.cid_prefix;
  }

  requireCycle(portfolioId: string, cycle: number): void {
    if (
      this.db.prepare('SELECT 1 FROM cycles WHERE portfolio_id = ? AND cycle = ?').get(portfolioId, cycle) === undefined
    ) {
      throw new JournalNotFoundError('cycle', `${portfolioId}#${cycle}`);
    }
  }
}
