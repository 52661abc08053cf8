/** The PostgreSQL image of PaperAccountStore (../paper-accounts.ts): the same checks, rows and messages. */
import type { Balances, Fill, OrderState } from '../../core/ports.ts';
import { JournalConflictError, JournalInputError } from '../errors.ts';
import { requireFinite } from '../intent-core.ts';
import type { PaperAccountPort } from '../ports.ts';
import type { Sql } from './sql.ts';

export class PgPaperAccountStore implements PaperAccountPort {
  constructor(private readonly sql: Sql) {}

  async get(account: string): Promise<Balances> {
    const rows = await this.sql.all<{ asset: string; quantity: number }>(
      'SELECT asset, quantity FROM paper_balances WHERE account = ? ORDER BY asset COLLATE "C"',
      account,
    );
    const out: Record<string, number> = {};
    for (const r of rows) out[r.asset] = r.quantity;
    return out;
  }

  async exists(account: string): Promise<boolean> {
    return (await this.sql.get('SELECT 1 FROM paper_balances WHERE account = ? LIMIT 1', account)) !== undefined;
  }

  async set(account: string, balances: Balances, at: number): Promise<void> {
    for (const [asset, q] of Object.entries(balances)) requireFinite(`balances.${asset}`, q);
    await this.sql.tx(async (s) => {
      await s.run('DELETE FROM paper_balances WHERE account = ?', account);
      for (const [asset, q] of Object.entries(balances))
        await s.run(
          'INSERT INTO paper_balances (account, asset, quantity, updated_at) VALUES (?, ?, ?, ?)',
          account,
          asset,
          q,
          at,
        );
    });
  }

  async apply(account: string, deltas: Balances, at: number): Promise<Balances> {
    for (const [asset, d] of Object.entries(deltas)) requireFinite(`deltas.${asset}`, d);
    return this.sql.tx(async (s) => {
      const self = new PgPaperAccountStore(s);
      const cur = await self.get(account);
      for (const [asset, d] of Object.entries(deltas)) {
        const next = (cur[asset] ?? 0) + d;
        if (next < 0)
          throw new JournalInputError(
            `deltas.${asset}`,
            `would leave ${account} with ${next} ${asset} (holds ${cur[asset] ?? 0}); nothing was changed`,
          );
        await s.run(
          'INSERT INTO paper_balances (account, asset, quantity, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(account, asset) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at',
          account,
          asset,
          next,
          at,
        );
      }
      return self.get(account);
    });
  }

  fill(account: string, deltas: Balances, state: OrderState, at: number): Promise<Balances> {
    return this.sql.tx(async (s) => {
      const self = new PgPaperAccountStore(s);
      if ((await self.order(account, state.clientOrderId)) !== undefined)
        throw new JournalConflictError(`paper account ${account}: client order id ${state.clientOrderId} already used`);
      const balances = await self.apply(account, deltas, at);
      await s.run(
        'INSERT INTO paper_orders (account, client_order_id, venue_order_id, status, filled_quantity, average_price, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        account,
        state.clientOrderId,
        state.venueOrderId ?? '',
        state.status,
        state.filledQuantity,
        state.averagePrice,
        at,
      );
      for (const f of state.fills)
        await s.run(
          'INSERT INTO paper_fills (account, client_order_id, trade_id, quantity, price, fee, fee_asset, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          account,
          state.clientOrderId,
          f.tradeId,
          f.quantity,
          f.price,
          f.fee,
          f.feeAsset,
          f.time,
        );
      return balances;
    });
  }

  async order(account: string, clientOrderId: string): Promise<OrderState | undefined> {
    const o = await this.sql.get<Omit<OrderState, 'clientOrderId' | 'fills'>>(
      'SELECT venue_order_id AS "venueOrderId", status, filled_quantity AS "filledQuantity", average_price AS "averagePrice" FROM paper_orders WHERE account = ? AND client_order_id = ?',
      account,
      clientOrderId,
    );
    if (o === undefined) return undefined;
    const fills = await this.sql.all<Fill>(
      'SELECT trade_id AS "tradeId", quantity, price, fee, fee_asset AS "feeAsset", time FROM paper_fills WHERE account = ? AND client_order_id = ? ORDER BY seq',
      account,
      clientOrderId,
    );
    return { clientOrderId, ...o, fills };
  }

  async lastFlowId(portfolioId: string): Promise<number> {
    const r = await this.sql.get<{ id: number }>(
      'SELECT last_flow_id AS id FROM paper_flows WHERE portfolio_id = ?',
      portfolioId,
    );
    return r?.id ?? 0;
  }

  applyFlow(account: string, portfolioId: string, flowId: number, deltas: Balances, at: number): Promise<Balances> {
    return this.sql.tx(async (s) => {
      const self = new PgPaperAccountStore(s);
      const last = await self.lastFlowId(portfolioId);
      if (flowId <= last)
        throw new JournalConflictError(
          `paper account ${account}: cash flow ${flowId} was moved already (last ${last})`,
        );
      const balances = await self.apply(account, deltas, at);
      await s.run(
        'INSERT INTO paper_flows (portfolio_id, last_flow_id, updated_at) VALUES (?, ?, ?) ON CONFLICT(portfolio_id) DO UPDATE SET last_flow_id = excluded.last_flow_id, updated_at = excluded.updated_at',
        portfolioId,
        flowId,
        at,
      );
      return balances;
    });
  }
}
