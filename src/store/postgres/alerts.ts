/** The PostgreSQL image of AlertStore (../alerts.ts): the same checks, rows and messages. */
import { type AlertLevel, type AlertRecord, type AlertRow, toAlert } from '../alerts.ts';
import { JournalInputError } from '../errors.ts';
import { requireFinite } from '../intent-core.ts';
import type { AlertPort } from '../ports.ts';
import { toStoredJson } from '../secrets.ts';
import type { Sql } from './sql.ts';

export class PgAlertStore implements AlertPort {
  constructor(private readonly sql: Sql) {}

  async record(input: {
    portfolioId?: string;
    at: number;
    level: AlertLevel;
    kind: string;
    message: string;
    detail?: unknown;
  }): Promise<AlertRecord> {
    requireFinite('at', input.at);
    if (!['info', 'warning', 'critical'].includes(input.level))
      throw new JournalInputError('level', `must be info, warning or critical, got ${String(input.level)}`);
    if (input.kind.length === 0 || input.message.length === 0)
      throw new JournalInputError('alert', 'kind and message must not be empty');
    const detail = input.detail === undefined ? null : toStoredJson('alert.detail', input.detail);
    const r = await this.sql.run(
      'INSERT INTO alerts (portfolio_id, at, level, kind, message, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING *',
      input.portfolioId ?? null,
      input.at,
      input.level,
      input.kind,
      input.message,
      detail,
    );
    return toAlert(r.rows[0] as unknown as AlertRow);
  }

  async markDelivery(id: number, at: number, error?: string): Promise<void> {
    if (error === undefined)
      await this.sql.run('UPDATE alerts SET delivered_at = ?, delivery_error = NULL WHERE id = ?', at, id);
    else await this.sql.run('UPDATE alerts SET delivery_error = ? WHERE id = ?', error, id);
  }

  async undelivered(limit = 100): Promise<AlertRecord[]> {
    return (
      await this.sql.all<AlertRow>('SELECT * FROM alerts WHERE delivered_at IS NULL ORDER BY id LIMIT ?', limit)
    ).map(toAlert);
  }

  async list(options: { portfolioId?: string; limit?: number } = {}): Promise<AlertRecord[]> {
    const limit = options.limit ?? 100;
    const rows =
      options.portfolioId === undefined
        ? await this.sql.all<AlertRow>('SELECT * FROM alerts ORDER BY id DESC LIMIT ?', limit)
        : await this.sql.all<AlertRow>(
            'SELECT * FROM alerts WHERE portfolio_id = ? ORDER BY id DESC LIMIT ?',
            options.portfolioId,
            limit,
          );
    return rows.map(toAlert);
  }
}
