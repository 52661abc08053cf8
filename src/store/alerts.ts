/** Alerts (rebalances, skips, guard refusals, failures) and whether the webhook delivered them. */
import { JournalInputError } from './errors.ts';
import { requireFinite } from './intent-core.ts';
import type { SqliteDatabase } from './open-database.ts';
import { toStoredJson } from './secrets.ts';

export type AlertLevel = 'info' | 'warning' | 'critical';

export interface AlertRecord {
  readonly id: number;
  readonly portfolioId: string | null;
  readonly at: number;
  readonly level: AlertLevel;
  /** Machine-readable: 'rebalanced', 'skipped', 'stale_price', 'kill_switch', 'order_unknown', … */
  readonly kind: string;
  readonly message: string;
  readonly detail: unknown;
  readonly deliveredAt: number | null;
  readonly deliveryError: string | null;
}

export interface AlertRow {
  id: number;
  portfolio_id: string | null;
  at: number;
  level: AlertLevel;
  kind: string;
  message: string;
  detail: string | null;
  delivered_at: number | null;
  delivery_error: string | null;
}
export const toAlert = (r: AlertRow): AlertRecord => ({
  id: r.id,
  portfolioId: r.portfolio_id,
  at: r.at,
  level: r.level,
  kind: r.kind,
  message: r.message,
  detail: r.detail === null ? null : JSON.parse(r.detail),
  deliveredAt: r.delivered_at,
  deliveryError: r.delivery_error,
});

export class AlertStore {
  constructor(private readonly db: SqliteDatabase) {}

  record(input: {
    portfolioId?: string;
    at: number;
    level: AlertLevel;
    kind: string;
    message: string;
    detail?: unknown;
  }): AlertRecord {
    requireFinite('at', input.at);
    if (!['info', 'warning', 'critical'].includes(input.level))
      throw new JournalInputError('level', `must be info, warning or critical, got ${String(input.level)}`);
    if (input.kind.length === 0 || input.message.length === 0)
      throw new JournalInputError('alert', 'kind and message must not be empty');
    const detail = input.detail === undefined ? null : toStoredJson('alert.detail', input.detail);
    const r = this.db
      .prepare('INSERT INTO alerts (portfolio_id, at, level, kind, message, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(input.portfolioId ?? null, input.at, input.level, input.kind, input.message, detail);
    return toAlert(this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(r.lastInsertRowid) as AlertRow);
  }

  /** Marks a delivery attempt: success (error undefined) or the error text (retried later). */
  markDelivery(id: number, at: number, error?: string): void {
    if (error === undefined)
      this.db.prepare('UPDATE alerts SET delivered_at = ?, delivery_error = NULL WHERE id = ?').run(at, id);
    else this.db.prepare('UPDATE alerts SET delivery_error = ? WHERE id = ?').run(error, id);
  }

  undelivered(limit = 100): AlertRecord[] {
    return (
      this.db.prepare('SELECT * FROM alerts WHERE delivered_at IS NULL ORDER BY id LIMIT ?').all(limit) as AlertRow[]
    ).map(toAlert);
  }

  /** Most recent first. */
  list(options: { portfolioId?: string; limit?: number } = {}): AlertRecord[] {
    const limit = options.limit ?? 100;
    const rows =
      options.portfolioId === undefined
        ? this.db.prepare('SELECT * FROM alerts ORDER BY id DESC LIMIT ?').all(limit)
        : this.db
            .prepare('SELECT * FROM alerts WHERE portfolio_id = ? ORDER BY id DESC LIMIT ?')
            .all(options.portfolioId, limit);
    return (rows as AlertRow[]).map(toAlert);
  }
}
