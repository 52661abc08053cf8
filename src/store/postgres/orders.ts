/**
 * The PostgreSQL image of OrderJournal (../orders.ts): the same order protocol, checks and messages.
 * An intent commits (its transaction is durable) before its order is sent; markSent refuses an intent that
 * already left; an unknown outcome is resolved by lookup (recordLookups), never by sending again.
 */
import { clientOrderIdFromPrefix } from '../../core/orders/client-order-id.ts';
import { type IntentState, isTerminal } from '../../core/orders/order-states.ts';
import type { Fill, OrderRequest, OrderState } from '../../core/ports.ts';
import { IllegalTransitionError } from '../errors.ts';
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
} from '../intent-rows.ts';
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
} from '../order-rules.ts';
import type { OrderPort } from '../ports.ts';
import { PgIntentCore } from './intent-core.ts';
import { isRetryable, type Sql } from './sql.ts';

type FillWithPair = FillRecord & { side: 'buy' | 'sell'; asset: string; quote: string };

export class PgOrderJournal implements OrderPort {
  private readonly core: PgIntentCore;
  constructor(private readonly sql: Sql) {
    this.core = new PgIntentCore(sql);
  }

  async clientOrderIdFor(portfolioId: string, cycle: number, leg: number, child: number): Promise<string> {
    return clientOrderIdFromPrefix(await this.core.prefixOf(portfolioId), cycle, leg, child);
  }

  async commitIntent(input: IntentInput): Promise<OrderIntent> {
    const limit = checkIntentInput(input);
    return this.sql.tx(async (s) => {
      const self = new PgOrderJournal(s);
      const cid = await self.clientOrderIdFor(input.portfolioId, input.cycle, input.leg, input.child);
      const existing = await self.core.findRow(cid);
      if (existing !== undefined) {
        requireSameIntent(cid, existing, input, limit);
        return toOrderIntent(existing);
      }
      await self.core.requireCycle(input.portfolioId, input.cycle);
      const r = await s.run(
        `INSERT INTO order_intents (client_order_id, portfolio_id, cycle, leg, child, kind, venue, asset, quote, side, quantity, order_type, limit_price, reference_price, state, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'order', ?, ?, ?, ?, ?, ?, ?, ?, 'committed', ?, ?) RETURNING id`,
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
      await self.core.created(Number(r.rows[0]?.id), input.at);
      return toOrderIntent(await self.core.row(cid));
    });
  }

  markSent(clientOrderId: string, at: number): Promise<OrderIntent> {
    return this.sql.tx(async (s) => {
      const core = new PgIntentCore(s);
      const row = await core.row(clientOrderId);
      if (row.state !== 'committed') throw new IllegalTransitionError(clientOrderId, row.state, 'sent');
      return toOrderIntent(await core.transition(row, 'sent', { reason: 'request sent', at }));
    });
  }

  recordAck(clientOrderId: string, state: OrderState, at: number): Promise<OrderIntent> {
    return this.sql.tx(async (s) => {
      const self = new PgOrderJournal(s);
      const to = statusToState(clientOrderId, state.status);
      const row = await self.core.row(clientOrderId);
      return toOrderIntent(await self.apply(row, to, state, at, state.reason ?? `venue reports ${state.status}`));
    });
  }

  recordFill(clientOrderId: string, fill: Fill, at: number): Promise<{ inserted: boolean; intent: OrderIntent }> {
    return this.sql.tx(async (s) => {
      const core = new PgIntentCore(s);
      let row = await core.row(clientOrderId);
      const inserted = await core.addFill(row, fill, at);
      row = await core.refreshTotals(row, at);
      if (inserted && !isTerminal(row.state) && row.state !== 'partially_filled') {
        row = await core.transition(row, 'partially_filled', { reason: `fill ${fill.tradeId}`, at });
      }
      return { inserted, intent: toOrderIntent(row) };
    });
  }

  markUnknown(clientOrderId: string, reason: string, at: number): Promise<OrderIntent> {
    return this.move(clientOrderId, 'unknown', reason, at);
  }

  markRejected(clientOrderId: string, reason: string, at: number): Promise<OrderIntent> {
    return this.move(clientOrderId, 'rejected', reason, at);
  }

  private move(clientOrderId: string, to: 'unknown' | 'rejected', reason: string, at: number): Promise<OrderIntent> {
    return this.sql.tx(async (s) => {
      const core = new PgIntentCore(s);
      return toOrderIntent(await core.transition(await core.row(clientOrderId), to, { reason, at }));
    });
  }

  recordLookup(clientOrderId: string, at: number, outcome: OrderState | { error: string }): Promise<void> {
    return this.sql.tx(async (s) => {
      const core = new PgIntentCore(s);
      const row = await core.row(clientOrderId);
      if ('error' in outcome) await core.recordLookup(row, at, 'error', null, outcome.error);
      else
        await core.recordLookup(row, at, outcome.status === 'not_found' ? 'not_found' : 'found', outcome.status, null);
    });
  }

  async notFoundTimes(clientOrderId: string): Promise<number[]> {
    return this.core.notFoundTimes(await this.core.row(clientOrderId));
  }

  resolveIntent(
    clientOrderId: string,
    outcome: ResolveOutcome,
    input: { reason: string; at: number; state?: OrderState },
  ): Promise<OrderIntent> {
    return this.sql.tx(async (s) => {
      const self = new PgOrderJournal(s);
      const row = await self.core.row(clientOrderId);
      if (outcome === 'not_placed')
        return toOrderIntent(await self.core.transition(row, 'not_placed', { reason: input.reason, at: input.at }));
      return toOrderIntent(await self.apply(row, outcome, input.state, input.at, input.reason));
    });
  }

  private async apply(
    row: IntentRow,
    to: Exclude<ResolveOutcome, 'not_placed'>,
    state: OrderState | undefined,
    at: number,
    reason: string,
  ): Promise<IntentRow> {
    let r = row;
    let fresh = 0;
    for (const f of state?.fills ?? []) if (await this.core.addFill(r, f, at)) fresh += 1;
    r = await this.core.refreshTotals(r, at, state);
    const target = reportedTarget(to, r.state);
    const detail = reportDetail(state, fresh);
    return this.core.transition(r, target, { reason, at, venueOrderId: state?.venueOrderId, detail });
  }

  async hasUnknownLegs(portfolioId: string): Promise<boolean> {
    return (
      (await this.sql.get(
        "SELECT 1 FROM order_intents WHERE portfolio_id = ? AND state = 'unknown' LIMIT 1",
        portfolioId,
      )) !== undefined
    );
  }

  async countsByState(portfolioId?: string): Promise<Partial<Record<IntentState, number>>> {
    const rows = await this.sql.all<{ state: IntentState; n: number }>(
      'SELECT state, COUNT(*) AS n FROM order_intents WHERE (?::text IS NULL OR portfolio_id = ?) GROUP BY state',
      portfolioId ?? null,
      portfolioId ?? null,
    );
    const out: Partial<Record<IntentState, number>> = {};
    for (const r of rows) out[r.state] = r.n;
    return out;
  }

  async unfinishedIntents(portfolioId?: string): Promise<OrderIntent[]> {
    const sql = unfinishedSql(portfolioId !== undefined);
    const rows =
      portfolioId === undefined ? await this.sql.all<IntentRow>(sql) : await this.sql.all<IntentRow>(sql, portfolioId);
    return (rows as ListedRow[]).map(toListedOrder);
  }

  async find(clientOrderId: string): Promise<OrderIntent | undefined> {
    const r = await this.core.findRow(clientOrderId);
    return r === undefined || r.kind !== 'order' ? undefined : toOrderIntent(r);
  }

  async get(clientOrderId: string): Promise<OrderIntent> {
    return toOrderIntent(await this.core.row(clientOrderId));
  }

  async list(portfolioId: string, options: { cycle?: number; limit?: number } = {}): Promise<OrderIntent[]> {
    const limit = options.limit ?? 500;
    const rows =
      options.cycle === undefined
        ? await this.sql.all<ListedRow>(listSql(false), portfolioId, limit)
        : await this.sql.all<ListedRow>(listSql(true), portfolioId, options.cycle, limit);
    return (rows as ListedRow[]).map(toListedOrder);
  }

  events(clientOrderId: string): Promise<OrderEvent[]> {
    return this.core.events(clientOrderId);
  }

  lookups(clientOrderId: string): Promise<OrderLookup[]> {
    return this.core.lookups(clientOrderId);
  }

  fills(clientOrderId: string): Promise<FillRecord[]> {
    return this.core.fills(clientOrderId);
  }

  async portfolioFills(portfolioId: string): Promise<FillRecord[]> {
    const rows = await this.sql.all<FillRecord & { matched: number | null; routed: number | null }>(
      PORTFOLIO_FILLS_SQL,
      portfolioId,
    );
    return rows.map(({ matched, routed, ...r }) => ({ ...r, ...explainedOf({ matched, routed }) }));
  }

  /** A batch of lookups in one transaction; each item in its own savepoint, a refused item rolled back alone. */
  recordLookups(items: readonly LookupWrite[]): Promise<({ state: IntentState } | { error: string })[]> {
    return this.sql.tx(async (s) => {
      const self = new PgOrderJournal(s);
      const out: ({ state: IntentState } | { error: string })[] = [];
      for (const it of items) {
        try {
          out.push(
            await s.tx(
              async () => {
                await self.recordLookup(it.clientOrderId, it.at, it.outcome);
                for (const t of it.transitions) {
                  if (t.kind === 'unknown') await self.markUnknown(it.clientOrderId, t.reason, it.at);
                  else
                    await self.resolveIntent(it.clientOrderId, t.outcome, {
                      reason: t.reason,
                      at: it.at,
                      ...(t.state === undefined ? {} : { state: t.state }),
                    });
                }
                return { state: (await self.get(it.clientOrderId)).state };
              },
              { savepoint: true },
            ),
          );
        } catch (e) {
          if (isRetryable(e)) throw e;
          out.push({ error: e instanceof Error ? e.message : String(e) });
        }
      }
      return out;
    });
  }

  allFills(): Promise<FillWithPair[]> {
    return this.sql.all<FillWithPair>(ALL_FILLS_SQL);
  }

  async toOrderRequest(intent: OrderIntent): Promise<OrderRequest> {
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
