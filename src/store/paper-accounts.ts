/**
 * The paper venue's accounts: balances, orders, fills and the cash flows already moved, so a paper
 * portfolio survives restarts. A fill changes balances and records its order in one transaction (`fill`),
 * and a cash flow moves balances and records its id in one (`applyFlow`), so neither can be half done
 * after a crash.
 */
import type { Balances, Fill, OrderState } from '../core/ports.ts';
import { JournalConflictError, JournalInputError } from './errors.ts';
import { requireFinite } from './intent-core.ts';
import type { SqliteDatabase } from './open-database.ts';

export class PaperAccountStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** All balances of an account ({} for an account never funded). */
  get(account: string): Balances {
    const rows = this.db
      .prepare('SELECT asset, quantity FROM paper_balances WHERE account = ? ORDER BY asset')
      .all(account) as { asset: string; quantity: number }[];
    const out: Record<string, number> = {};
    for (const r of rows) out[r.asset] = r.quantity;
    return out;
  }

  /** True once the account has any balance row (to seed initial balances only once). */
  exists(account: string): boolean {
    return this.db.prepare('SELECT 1 FROM paper_balances WHERE account = ? LIMIT 1').get(account) !== undefined;
  }

  /** Replaces the account's balances with exactly `balances`. */
  set(account: string, balances: Balances, at: number): void {
    for (const [asset, q] of Object.entries(balances)) requireFinite(`balances.${asset}`, q);
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM paper_balances WHERE account = ?').run(account);
        const ins = this.db.prepare(
          'INSERT INTO paper_balances (account, asset, quantity, updated_at) VALUES (?, ?, ?, ?)',
        );
        for (const [asset, q] of Object.entries(balances)) ins.run(account, asset, q, at);
      })
      .immediate();
  }

  /**
   * Adds `deltas` (negative to debit). Refuses, writing nothing, if any balance would go below zero
   * (a paper venue must not let a portfolio spend what it does not hold).
   */
  apply(account: string, deltas: Balances, at: number): Balances {
    for (const [asset, d] of Object.entries(deltas)) requireFinite(`deltas.${asset}`, d);
    return this.db
      .transaction(() => {
        const cur = this.get(account);
        const up = this.db.prepare(
          'INSERT INTO paper_balances (account, asset, quantity, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(account, asset) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at',
        );
        for (const [asset, d] of Object.entries(deltas)) {
          const next = (cur[asset] ?? 0) + d;
          if (next < 0)
            throw new JournalInputError(
              `deltas.${asset}`,
              `would leave ${account} with ${next} ${asset} (holds ${cur[asset] ?? 0}); nothing was changed`,
            );
          up.run(account, asset, next, at);
        }
        return this.get(account);
      })
      .immediate();
  }

  /**
   * Records a filled order and moves its balances in one transaction. A client order id already used on
   * this account, or a balance that would go negative, refuses the whole fill (nothing written).
   */
  fill(account: string, deltas: Balances, state: OrderState, at: number): Balances {
    return this.db
      .transaction(() => {
        if (this.order(account, state.clientOrderId) !== undefined)
          throw new JournalConflictError(
            `paper account ${account}: client order id ${state.clientOrderId} already used`,
          );
        const balances = this.apply(account, deltas, at);
        this.db
          .prepare(
            'INSERT INTO paper_orders (account, client_order_id, venue_order_id, status, filled_quantity, average_price, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            account,
            state.clientOrderId,
            state.venueOrderId ?? '',
            state.status,
            state.filledQuantity,
            state.averagePrice,
            at,
          );
        const ins = this.db.prepare(
          'INSERT INTO paper_fills (account, client_order_id, trade_id, quantity, price, fee, fee_asset, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        );
        for (const f of state.fills)
          ins.run(account, state.clientOrderId, f.tradeId, f.quantity, f.price, f.fee, f.feeAsset, f.time);
        return balances;
      })
      .immediate();
  }

  /** A paper order by client order id, with its fills; undefined if this account never took it. */
  order(account: string, clientOrderId: string): OrderState | undefined {
    const o = this.db
      .prepare(
        'SELECT venue_order_id AS venueOrderId, status, filled_quantity AS filledQuantity, average_price AS averagePrice FROM paper_orders WHERE account = ? AND client_order_id = ?',
      )
      .get(account, clientOrderId) as Omit<OrderState, 'clientOrderId' | 'fills'> | undefined;
    if (o === undefined) return undefined;
    const fills = this.db
      .prepare(
        'SELECT trade_id AS tradeId, quantity, price, fee, fee_asset AS feeAsset, time FROM paper_fills WHERE account = ? AND client_order_id = ? ORDER BY rowid',
      )
      .all(account, clientOrderId) as Fill[];
    return { clientOrderId, ...o, fills };
  }

  /** The id of the last cash flow moved into a portfolio's paper account (0 if none). */
  lastFlowId(portfolioId: string): number {
    const r = this.db.prepare('SELECT last_flow_id AS id FROM paper_flows WHERE portfolio_id = ?').get(portfolioId) as
      | { id: number }
      | undefined;
    return r?.id ?? 0;
  }

  /**
   * Moves one recorded cash flow into the account and records its id, in one transaction; a flow at or
   * below the last one moved is refused (each flow moves once).
   */
  applyFlow(account: string, portfolioId: string, flowId: number, deltas: Balances, at: number): Balances {
    return this.db
      .transaction(() => {
        const last = this.lastFlowId(portfolioId);
        if (flowId <= last)
          throw new JournalConflictError(
            `paper account ${account}: cash flow ${flowId} was moved already (last ${last})`,
          );
        const balances = this.apply(account, deltas, at);
        this.db
          .prepare(
            'INSERT INTO paper_flows (portfolio_id, last_flow_id, updated_at) VALUES (?, ?, ?) ON CONFLICT(portfolio_id) DO UPDATE SET last_flow_id = excluded.last_flow_id, updated_at = excluded.updated_at',
          )
          .run(portfolioId, flowId, at);
        return balances;
      })
      .immediate();
  }
}
