/** The PostgreSQL image of IntentCore (../intent-core.ts): states with their events, fills, lookups. */
import { canTransition, type IntentState } from '../../core/orders/order-states.ts';
import type { Fill } from '../../core/ports.ts';
import { IllegalTransitionError, JournalNotFoundError } from '../errors.ts';
import { checkFill, requireFinite, requireSameFill, type TransitionInput } from '../intent-core.ts';
import {
  type EventRow,
  type FillRecord,
  type FillRow,
  type IntentRow,
  type OrderEvent,
  type OrderLookup,
  toEvent,
  toFill,
} from '../intent-rows.ts';
import { toStoredJson } from '../secrets.ts';
import type { Sql } from './sql.ts';

export class PgIntentCore {
  constructor(readonly sql: Sql) {}

  findRow(clientOrderId: string): Promise<IntentRow | undefined> {
    return this.sql.get<IntentRow>('SELECT * FROM order_intents WHERE client_order_id = ?', clientOrderId);
  }

  async row(clientOrderId: string): Promise<IntentRow> {
    const r = await this.findRow(clientOrderId);
    if (r === undefined) throw new JournalNotFoundError('order intent', clientOrderId);
    return r;
  }

  async created(id: number, at: number, detail?: unknown): Promise<void> {
    await this.sql.run(
      'INSERT INTO order_events (intent_id, from_state, to_state, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
      id,
      null,
      'committed',
      'intent committed',
      detail === undefined ? null : toStoredJson('event.detail', detail),
      at,
    );
  }

  async transition(row: IntentRow, to: IntentState, input: TransitionInput): Promise<IntentRow> {
    requireFinite('at', input.at);
    if (!canTransition(row.state, to)) throw new IllegalTransitionError(row.client_order_id, row.state, to);
    await this.sql.run(
      'UPDATE order_intents SET state = ?, reason = COALESCE(?, reason), venue_order_id = COALESCE(?, venue_order_id), updated_at = ? WHERE id = ?',
      to,
      input.reason ?? null,
      input.venueOrderId ?? null,
      input.at,
      row.id,
    );
    if (to !== row.state) {
      const detail = input.detail === undefined ? null : toStoredJson('event.detail', input.detail);
      await this.sql.run(
        'INSERT INTO order_events (intent_id, from_state, to_state, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
        row.id,
        row.state,
        to,
        input.reason ?? null,
        detail,
        input.at,
      );
    }
    return this.row(row.client_order_id);
  }

  async addFill(row: IntentRow, fill: Fill, recordedAt: number): Promise<boolean> {
    checkFill(fill);
    const r = await this.sql.run(
      'INSERT INTO fills (intent_id, venue, trade_id, quantity, price, fee, fee_asset, at, recorded_at, matched, routed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(venue, trade_id) DO NOTHING',
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
    const existing = (await this.sql.get<{ intent_id: number; quantity: number; price: number }>(
      'SELECT intent_id, quantity, price FROM fills WHERE venue = ? AND trade_id = ?',
      row.venue,
      fill.tradeId,
    ))!;
    requireSameFill(row, fill, existing);
    return false;
  }

  async refreshTotals(
    row: IntentRow,
    at: number,
    reported?: { filledQuantity: number; averagePrice: number },
  ): Promise<IntentRow> {
    // Summed here in id order with SQLite's own summation (Kahan-Babuska-Neumaier, SQLite ≥ 3.43), so the
    // same doubles give the same totals on both stores.
    const fills = await this.sql.all<{ quantity: number; price: number }>(
      'SELECT quantity, price FROM fills WHERE intent_id = ? ORDER BY id',
      row.id,
    );
    const tq = sqliteSum(fills.map((f) => f.quantity));
    const tqp = sqliteSum(fills.map((f) => f.quantity * f.price));
    let q = tq;
    let avg = tq > 0 ? tqp / tq : 0;
    if (reported !== undefined && Number.isFinite(reported.filledQuantity) && reported.filledQuantity > q) {
      q = reported.filledQuantity;
      avg = Number.isFinite(reported.averagePrice) && reported.averagePrice > 0 ? reported.averagePrice : avg;
    }
    if (q !== row.filled_quantity || avg !== row.average_price)
      await this.sql.run(
        'UPDATE order_intents SET filled_quantity = ?, average_price = ?, updated_at = ? WHERE id = ?',
        q,
        avg,
        at,
        row.id,
      );
    return this.row(row.client_order_id);
  }

  async recordLookup(
    row: IntentRow,
    at: number,
    result: OrderLookup['result'],
    status: string | null,
    error: string | null,
  ): Promise<void> {
    requireFinite('at', at);
    await this.sql.run(
      'INSERT INTO order_lookups (intent_id, at, result, status, error) VALUES (?, ?, ?, ?, ?)',
      row.id,
      at,
      result,
      status,
      error,
    );
  }

  async notFoundTimes(row: IntentRow): Promise<number[]> {
    return (
      await this.sql.all<{ at: number }>(
        "SELECT at FROM order_lookups WHERE intent_id = ? AND result = 'not_found' ORDER BY at",
        row.id,
      )
    ).map((r) => r.at);
  }

  async events(clientOrderId: string): Promise<OrderEvent[]> {
    const row = await this.row(clientOrderId);
    return (
      await this.sql.all<EventRow>(
        'SELECT from_state, to_state, reason, detail, at FROM order_events WHERE intent_id = ? ORDER BY id',
        row.id,
      )
    ).map(toEvent);
  }

  async lookups(clientOrderId: string): Promise<OrderLookup[]> {
    const row = await this.row(clientOrderId);
    return this.sql.all<OrderLookup>(
      'SELECT at, result, status, error FROM order_lookups WHERE intent_id = ? ORDER BY id',
      row.id,
    );
  }

  async fills(clientOrderId: string): Promise<FillRecord[]> {
    const row = await this.row(clientOrderId);
    return (
      await this.sql.all<FillRow>(
        'SELECT i.client_order_id, f.venue, f.trade_id, f.quantity, f.price, f.fee, f.fee_asset, f.at, f.matched, f.routed FROM fills f JOIN order_intents i ON i.id = f.intent_id WHERE f.intent_id = ? ORDER BY f.id',
        row.id,
      )
    ).map(toFill);
  }

  async prefixOf(portfolioId: string): Promise<string> {
    const p = await this.sql.get<{ cid_prefix: string }>('SELECT cid_prefix FROM portfolios WHERE id = ?', portfolioId);
    if (p === undefined) throw new JournalNotFoundError('portfolio', portfolioId);
    return p.cid_prefix;
  }

  async requireCycle(portfolioId: string, cycle: number): Promise<void> {
    if (
      (await this.sql.get('SELECT 1 FROM cycles WHERE portfolio_id = ? AND cycle = ?', portfolioId, cycle)) ===
      undefined
    )
      throw new JournalNotFoundError('cycle', `${portfolioId}#${cycle}`);
  }
}

/** SUM() of doubles as SQLite ≥ 3.43 computes it (Kahan-Babuska-Neumaier); 0 for no rows, as COALESCE gives. */
export function sqliteSum(values: readonly number[]): number {
  let sum = 0;
  let err = 0;
  for (const v of values) {
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) err += sum - t + v;
    else err += v - t + sum;
    sum = t;
  }
  return sum + err;
}
