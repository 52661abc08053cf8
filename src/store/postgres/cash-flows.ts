/** The PostgreSQL image of CashFlowStore (../cash-flows.ts): the same checks, rows and messages. */
import { type CashFlow, type CashFlowInput, type FlowRow, toFlow } from '../cash-flows.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from '../errors.ts';
import { requireFinite } from '../intent-core.ts';
import type { CashFlowPort } from '../ports.ts';
import type { Sql } from './sql.ts';

export class PgCashFlowStore implements CashFlowPort {
  constructor(private readonly sql: Sql) {}

  async record(input: CashFlowInput): Promise<CashFlow> {
    if (input.kind !== 'deposit' && input.kind !== 'withdrawal')
      throw new JournalInputError('kind', `must be 'deposit' or 'withdrawal', got ${String(input.kind)}`);
    requireFinite('quantity', input.quantity, { positive: true });
    if (input.value !== undefined) requireFinite('value', input.value, { nonNegative: true });
    requireFinite('at', input.at);
    if (input.asset.length === 0) throw new JournalInputError('asset', 'must not be empty');
    return this.sql.tx(async (s) => {
      if ((await s.get('SELECT 1 FROM portfolios WHERE id = ?', input.portfolioId)) === undefined)
        throw new JournalNotFoundError('portfolio', input.portfolioId);
      if (input.externalId !== undefined) {
        const prev = await s.get<FlowRow>('SELECT * FROM cash_flows WHERE external_id = ?', input.externalId);
        if (prev !== undefined) {
          if (
            prev.portfolio_id !== input.portfolioId ||
            prev.kind !== input.kind ||
            prev.asset !== input.asset ||
            prev.quantity !== input.quantity
          ) {
            throw new JournalConflictError(
              `journal: cash flow ${input.externalId} is already recorded with other fields (${prev.kind} ${prev.quantity} ${prev.asset} for ${prev.portfolio_id}); use a new id.`,
            );
          }
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
