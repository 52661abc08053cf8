/** The PostgreSQL image of CashFlowStore (../cash-flows.ts): the same checks, rows and messages. */
import {
  type CashFlow,
  type CashFlowInput,
  checkFlowInput,
  type FlowRow,
  requireSameFlow,
  toFlow,
} from '../cash-flows.ts';
import { JournalNotFoundError } from '../errors.ts';
import type { CashFlowPort } from '../ports.ts';
import type { Sql } from './sql.ts';

export class PgCashFlowStore implements CashFlowPort {
  constructor(private readonly sql: Sql) {}

  async record(input: CashFlowInput): Promise<CashFlow> {
    checkFlowInput(input);
    return this.sql.tx(async (s) => {
      if ((await s.get('SELECT 1 FROM portfolios WHERE id = ?', input.portfolioId)) === undefined)
        throw new JournalNotFoundError('portfolio', input.portfolioId);
      if (input.externalId !== undefined) {
        const prev = await s.get<FlowRow>('SELECT * FROM cash_flows WHERE external_id = ?', input.externalId);
        if (prev !== undefined) {
          requireSameFlow(prev, input);
          return toFlow(prev);
        }
      }
      const r = await s.run(
        'INSERT INTO cash_flows (portfolio_id, kind, asset, quantity, value, at, note, external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *',
        input.portfolioId,
        input.kind,
        input.asset,
        input.quantity,
        input.value ?? null,
        input.at,
        input.note ?? null,
        input.externalId ?? null,
      );
      return toFlow(r.rows[0] as unknown as FlowRow);
    });
  }

  async list(portfolioId: string, range: { from?: number; to?: number } = {}): Promise<CashFlow[]> {
    const rows = await this.sql.all<FlowRow>(
      'SELECT * FROM cash_flows WHERE portfolio_id = ? AND at >= ? AND at <= ? ORDER BY at, id',
      portfolioId,
      range.from ?? Number.MIN_SAFE_INTEGER,
      range.to ?? Number.MAX_SAFE_INTEGER,
    );
    return rows.map(toFlow);
  }
}
