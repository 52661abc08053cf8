/** The PostgreSQL image of CycleStore (../cycles.ts): the same checks, rows and messages. */
import {
  type CycleDecision,
  type CycleRecord,
  type CycleRow,
  type CycleSnapshot,
  type PlannedCycle,
  type SkippedRow,
  type SkippedTrade,
  type SnapshotRow,
  snapshotArgs,
  toCycle,
  toSkipped,
  toSnapshot,
  UPSERT_SNAPSHOT,
} from '../cycles.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from '../errors.ts';
import type { CyclePort } from '../ports.ts';
import { toStoredJson } from '../secrets.ts';
import type { Sql } from './sql.ts';

export class PgCycleStore implements CyclePort {
  constructor(private readonly sql: Sql) {}

  start(portfolioId: string, at: number): Promise<CycleRecord> {
    return this.sql.tx(async (s) => {
      if ((await s.get('SELECT 1 FROM portfolios WHERE id = ?', portfolioId)) === undefined)
        throw new JournalNotFoundError('portfolio', portfolioId);
      const row = await s.get<{ n: number | null }>(
        'SELECT MAX(cycle) AS n FROM cycles WHERE portfolio_id = ?',
        portfolioId,
      );
      const cycle = (row?.n ?? 0) + 1;
      await s.run('INSERT INTO cycles (portfolio_id, cycle, started_at) VALUES (?, ?, ?)', portfolioId, cycle, at);
      return new PgCycleStore(s).get(portfolioId, cycle);
    });
  }

  async finish(input: {
    portfolioId: string;
    cycle: number;
    decision: CycleDecision;
    reason: string;
    detail?: unknown;
    at: number;
  }): Promise<CycleRecord> {
    if (input.decision.length === 0) throw new JournalInputError('decision', 'must not be empty');
    const detail = input.detail === undefined ? null : toStoredJson('cycle.detail', input.detail);
    return this.sql.tx(async (s) => {
      const self = new PgCycleStore(s);
      const c = await self.get(input.portfolioId, input.cycle);
      if (c.finishedAt !== null) {
        throw new JournalConflictError(
          `journal: cycle ${input.cycle} of ${input.portfolioId} already finished (${c.decision}); a cycle is recorded once.`,
        );
      }
      await s.run(
        'UPDATE cycles SET finished_at = ?, decision = ?, reason = ?, detail = ? WHERE portfolio_id = ? AND cycle = ?',
        input.at,
        input.decision,
        input.reason,
        detail,
        input.portfolioId,
        input.cycle,
      );
      return self.get(input.portfolioId, input.cycle);
    });
  }

  async get(portfolioId: string, cycle: number): Promise<CycleRecord> {
    const row = await this.sql.get<CycleRow>(
      'SELECT * FROM cycles WHERE portfolio_id = ? AND cycle = ?',
      portfolioId,
      cycle,
    );
    if (row === undefined) throw new JournalNotFoundError('cycle', `${portfolioId}#${cycle}`);
    return toCycle(row);
  }

  async latest(portfolioId: string): Promise<CycleRecord | undefined> {
    const row = await this.sql.get<CycleRow>(
      'SELECT * FROM cycles WHERE portfolio_id = ? ORDER BY cycle DESC LIMIT 1',
      portfolioId,
    );
    return row === undefined ? undefined : toCycle(row);
  }

  async lastRebalanceAt(portfolioId: string): Promise<number | null> {
    const row = await this.sql.get<{ at: number | null }>(
      "SELECT max(started_at) AS at FROM cycles WHERE portfolio_id = ? AND decision IN ('rebalanced','partial','invested')",
      portfolioId,
    );
    return row?.at ?? null;
  }

  async list(portfolioId: string, limit = 100): Promise<CycleRecord[]> {
    return (
      await this.sql.all<CycleRow>(
        'SELECT * FROM cycles WHERE portfolio_id = ? ORDER BY cycle DESC LIMIT ?',
        portfolioId,
        limit,
      )
    ).map(toCycle);
  }

  async unfinished(): Promise<CycleRecord[]> {
    return (
      await this.sql.all<CycleRow>(
        'SELECT * FROM cycles WHERE finished_at IS NULL ORDER BY portfolio_id COLLATE "C", cycle',
      )
    ).map(toCycle);
  }

  interruptUnfinished(at: number, reason: string, portfolioId?: string): Promise<number> {
    return this.sql.tx(async (s) => {
      const self = new PgCycleStore(s);
      const open = (await self.unfinished()).filter((c) => portfolioId === undefined || c.portfolioId === portfolioId);
      for (const c of open)
        await self.finish({ portfolioId: c.portfolioId, cycle: c.cycle, decision: 'interrupted', reason, at });
      return open.length;
    });
  }

  async recordSkipped(
    input: Omit<SkippedTrade, 'side' | 'quantity' | 'notional'> & {
      side?: 'buy' | 'sell';
      quantity?: number;
      notional?: number;
    },
  ): Promise<void> {
    if (input.code.length === 0 || input.reason.length === 0)
      throw new JournalInputError('skipped.reason', 'code and reason must not be empty');
    await this.get(input.portfolioId, input.cycle);
    await this.sql.run(
      'INSERT INTO skipped_trades (portfolio_id, cycle, asset, side, quantity, notional, code, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      input.portfolioId,
      input.cycle,
      input.asset,
      input.side ?? null,
      input.quantity ?? null,
      input.notional ?? null,
      input.code,
      input.reason,
      input.at,
    );
  }

  async skipped(portfolioId: string, cycle?: number): Promise<SkippedTrade[]> {
    const rows =
      cycle === undefined
        ? await this.sql.all<SkippedRow>('SELECT * FROM skipped_trades WHERE portfolio_id = ? ORDER BY id', portfolioId)
        : await this.sql.all<SkippedRow>(
            'SELECT * FROM skipped_trades WHERE portfolio_id = ? AND cycle = ? ORDER BY id',
            portfolioId,
            cycle,
          );
    return rows.map(toSkipped);
  }

  async recordSnapshot(snapshot: CycleSnapshot): Promise<void> {
    const args = snapshotArgs(snapshot);
    await this.get(snapshot.portfolioId, snapshot.cycle);
    await this.sql.run(UPSERT_SNAPSHOT, ...args);
  }

  async snapshot(portfolioId: string): Promise<CycleSnapshot | undefined> {
    const row = await this.sql.get<SnapshotRow>(
      'SELECT * FROM portfolio_snapshots WHERE portfolio_id = ?',
      portfolioId,
    );
    return row === undefined ? undefined : toSnapshot(row);
  }

  async recordPlan(portfolioId: string, cycle: number, planned: PlannedCycle): Promise<void> {
    const json = toStoredJson('cycle.planned', planned);
    const c = await this.get(portfolioId, cycle);
    if (c.finishedAt !== null)
      throw new JournalConflictError(
        `journal: cycle ${cycle} of ${portfolioId} is finished; its plan is journaled before`,
      );
    await this.sql.run('UPDATE cycles SET planned = ? WHERE portfolio_id = ? AND cycle = ?', json, portfolioId, cycle);
  }

  async planned(portfolioId: string, cycle: number): Promise<PlannedCycle | undefined> {
    const row = await this.sql.get<{ planned: string | null }>(
      'SELECT planned FROM cycles WHERE portfolio_id = ? AND cycle = ?',
      portfolioId,
      cycle,
    );
    return row?.planned == null ? undefined : (JSON.parse(row.planned) as PlannedCycle);
  }
}
