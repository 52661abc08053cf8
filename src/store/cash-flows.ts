/** Deposits and withdrawals (append-only; a correction is an opposite flow). Idempotent per external id. */
import { JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import { requireFinite } from './intent-core.ts';
import type { SqliteDatabase } from './open-database.ts';

export interface CashFlow {
  readonly id: number;
  readonly portfolioId: string;
  readonly kind: 'deposit' | 'withdrawal';
  readonly asset: string;
  /** Always > 0; the kind gives the direction. */
  readonly quantity: number;
  /** Value in the portfolio's quote at the flow's time (for time-weighted return), when known. */
  readonly value: number | null;
  readonly at: number;
  readonly note: string | null;
  readonly externalId: string | null;
}

export type CashFlowInput = Omit<CashFlow, 'id' | 'value' | 'note' | 'externalId'> & {
  value?: number;
  note?: string;
  externalId?: string;
};

export interface FlowRow {
  id: number;
  portfolio_id: string;
  kind: 'deposit' | 'withdrawal';
  asset: string;
  quantity: number;
  value: number | null;
  at: number;
  note: string | null;
  external_id: string | null;
}
export const toFlow = (r: FlowRow): CashFlow => ({
  id: r.id,
  portfolioId: r.portfolio_id,
  kind: r.kind,
  asset: r.asset,
  quantity: r.quantity,
  value: r.value,
  at: r.at,
  note: r.note,
  externalId: r.external_id,
});

/** Checks a cash flow before either store writes it (one line naming the field). */
export function checkFlowInput(input: CashFlowInput): void {
  if (input.kind !== 'deposit' && input.kind !== 'withdrawal')
    throw new JournalInputError('kind', `must be 'deposit' or 'withdrawal', got ${String(input.kind)}`);
  requireFinite('quantity', input.quantity, { positive: true });
  if (input.value !== undefined) requireFinite('value', input.value, { nonNegative: true });
  requireFinite('at', input.at);
  if (input.asset.length === 0) throw new JournalInputError('asset', 'must not be empty');
}

/** Recording a flow again under its external id is idempotent only with the same fields. */
export function requireSameFlow(prev: FlowRow, input: CashFlowInput): void {
  if (
    prev.portfolio_id !== input.portfolioId ||
    prev.kind !== input.kind ||
    prev.asset !== input.asset ||
    prev.quantity !== input.quantity
  )
    throw new JournalConflictError(
      `journal: cash flow ${input.externalId} is already recorded with other fields (${prev.kind} ${prev.quantity} ${prev.asset} for ${prev.portfolio_id}); use a new id.`,
    );
}

export class CashFlowStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Records a flow; the same externalId again returns the first record (a retried API call is not a second deposit). */
  record(input: CashFlowInput): CashFlow {
    checkFlowInput(input);
    return this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM portfolios WHERE id = ?').get(input.portfolioId) === undefined)
          throw new JournalNotFoundError('portfolio', input.portfolioId);
        if (input.externalId !== undefined) {
          const prev = this.db.prepare('SELECT * FROM cash_flows WHERE external_id = ?').get(input.externalId) as
            | FlowRow
            | undefined;
          if (prev !== undefined) {
            requireSameFlow(prev, input);
            return toFlow(prev);
          }
        }
        const r = this.db
          .prepare(
            'INSERT INTO cash_flows (portfolio_id, kind, asset, quantity, value, at, note, external_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            input.portfolioId,
            input.kind,
            input.asset,
            input.quantity,
            input.value ?? null,
            input.at,
            input.note ?? null,
            input.externalId ?? null,
          );
        return toFlow(this.db.prepare('SELECT * FROM cash_flows WHERE id = ?').get(r.lastInsertRowid) as FlowRow);
      })
      .immediate();
  }

  /** Oldest first, optionally within [from, to]. */
  list(portfolioId: string, range: { from?: number; to?: number } = {}): CashFlow[] {
    const rows = this.db
      .prepare('SELECT * FROM cash_flows WHERE portfolio_id = ? AND at >= ? AND at <= ? ORDER BY at, id')
      .all(portfolioId, range.from ?? Number.MIN_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER) as FlowRow[];
    return rows.map(toFlow);
  }
}
