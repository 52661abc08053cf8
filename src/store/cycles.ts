/**
 * Cycles (one per portfolio per run of the loop: started, finished, decision, reason, detail) and the
 * trades a cycle skipped, each with its reason. A cycle row exists before any of its order intents.
 */
import { JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import type { SqliteDatabase } from './open-database.ts';
import { toStoredJson } from './secrets.ts';

/** Common decisions; any non-empty string is accepted so the service can add its own. */
export type CycleDecision =
  | 'nothing_to_do'
  | 'rebalanced'
  | 'partial'
  | 'skipped'
  | 'refused'
  | 'awaiting_approval'
  | 'failed'
  | 'interrupted'
  | (string & {});

export interface CycleRecord {
  readonly portfolioId: string;
  readonly cycle: number;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly decision: CycleDecision | null;
  readonly reason: string | null;
  readonly detail: unknown;
}

export interface SkippedTrade {
  readonly portfolioId: string;
  readonly cycle: number;
  readonly asset: string;
  readonly side: 'buy' | 'sell' | null;
  readonly quantity: number | null;
  readonly notional: number | null;
  /** Machine-readable: 'below_min_notional', 'stale_price', 'slippage', 'max_order_notional', … */
  readonly code: string;
  readonly reason: string;
  readonly at: number;
}

/** A cycle's view of its portfolio at its validated prices (issue #28: what the dashboard shows, from any process). */
export interface CycleSnapshot {
  readonly portfolioId: string;
  readonly cycle: number;
  readonly at: number;
  /** In the portfolio's quote. */
  readonly value: number;
  readonly weights: Readonly<Record<string, number>>;
  readonly prices: Readonly<Record<string, number>>;
}

/** An executing cycle's plan and the prices it was made at, journaled before its first order (issue #28). */
export interface PlannedCycle {
  readonly prices: Readonly<Record<string, number>>;
  /** The plan as the cycle detail stores it (core/planner/describe.ts `Plan`). */
  readonly plan: unknown;
}

export interface SnapshotRow {
  portfolio_id: string;
  cycle: number;
  at: number;
  value: number;
  weights: string;
  prices: string;
}

export const toSnapshot = (r: SnapshotRow): CycleSnapshot => ({
  portfolioId: r.portfolio_id,
  cycle: r.cycle,
  at: r.at,
  value: r.value,
  weights: JSON.parse(r.weights),
  prices: JSON.parse(r.prices),
});

/** The SQL both stores run: the row is the latest cycle's (an older cycle's snapshot never replaces it). */
export const UPSERT_SNAPSHOT = `INSERT INTO portfolio_snapshots (portfolio_id, cycle, at, value, weights, prices) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (portfolio_id) DO UPDATE SET cycle = excluded.cycle, at = excluded.at, value = excluded.value,
    weights = excluded.weights, prices = excluded.prices
  WHERE excluded.cycle >= portfolio_snapshots.cycle`;

export function snapshotArgs(s: CycleSnapshot): unknown[] {
  requireFiniteNumber('snapshot.value', s.value);
  for (const [k, v] of Object.entries(s.weights)) requireFiniteNumber(`snapshot.weights.${k}`, v);
  for (const [k, v] of Object.entries(s.prices)) requireFiniteNumber(`snapshot.prices.${k}`, v);
  return [s.portfolioId, s.cycle, s.at, s.value, JSON.stringify(s.weights), JSON.stringify(s.prices)];
}

function requireFiniteNumber(field: string, v: number): void {
  if (!Number.isFinite(v)) throw new JournalInputError(field, `must be a finite number, got ${v}`);
}

export interface CycleRow {
  portfolio_id: string;
  cycle: number;
  started_at: number;
  finished_at: number | null;
  decision: string | null;
  reason: string | null;
  detail: string | null;
}
export interface SkippedRow {
  portfolio_id: string;
  cycle: number;
  asset: string;
  side: 'buy' | 'sell' | null;
  quantity: number | null;
  notional: number | null;
  code: string;
  reason: string;
  at: number;
}

export const toCycle = (r: CycleRow): CycleRecord => ({
  portfolioId: r.portfolio_id,
  cycle: r.cycle,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  decision: r.decision,
  reason: r.reason,
  detail: r.detail === null ? null : JSON.parse(r.detail),
});
export const toSkipped = (r: SkippedRow): SkippedTrade => ({
  portfolioId: r.portfolio_id,
  cycle: r.cycle,
  asset: r.asset,
  side: r.side,
  quantity: r.quantity,
  notional: r.notional,
  code: r.code,
  reason: r.reason,
  at: r.at,
});

export class CycleStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Starts the portfolio's next cycle (numbers are 1, 2, 3 … per portfolio) and returns it. */
  start(portfolioId: string, at: number): CycleRecord {
    return this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM portfolios WHERE id = ?').get(portfolioId) === undefined)
          throw new JournalNotFoundError('portfolio', portfolioId);
        const row = this.db.prepare('SELECT MAX(cycle) AS n FROM cycles WHERE portfolio_id = ?').get(portfolioId) as {
          n: number | null;
        };
        const cycle = (row.n ?? 0) + 1;
        this.db
          .prepare('INSERT INTO cycles (portfolio_id, cycle, started_at) VALUES (?, ?, ?)')
          .run(portfolioId, cycle, at);
        return this.get(portfolioId, cycle);
      })
      .immediate();
  }

  /** Records the outcome. A cycle finishes once; finishing it again is a conflict. */
  finish(input: {
    portfolioId: string;
    cycle: number;
    decision: CycleDecision;
    reason: string;
    detail?: unknown;
    at: number;
  }): CycleRecord {
    if (input.decision.length === 0) throw new JournalInputError('decision', 'must not be empty');
    const detail = input.detail === undefined ? null : toStoredJson('cycle.detail', input.detail);
    return this.db
      .transaction(() => {
        const c = this.get(input.portfolioId, input.cycle);
        if (c.finishedAt !== null) {
          throw new JournalConflictError(
            `journal: cycle ${input.cycle} of ${input.portfolioId} already finished (${c.decision}); a cycle is recorded once.`,
          );
        }
        this.db
          .prepare(
            'UPDATE cycles SET finished_at = ?, decision = ?, reason = ?, detail = ? WHERE portfolio_id = ? AND cycle = ?',
          )
          .run(input.at, input.decision, input.reason, detail, input.portfolioId, input.cycle);
        return this.get(input.portfolioId, input.cycle);
      })
      .immediate();
  }

  get(portfolioId: string, cycle: number): CycleRecord {
    const row = this.db.prepare('SELECT * FROM cycles WHERE portfolio_id = ? AND cycle = ?').get(portfolioId, cycle) as
      | CycleRow
      | undefined;
    if (row === undefined) throw new JournalNotFoundError('cycle', `${portfolioId}#${cycle}`);
    return toCycle(row);
  }

  latest(portfolioId: string): CycleRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM cycles WHERE portfolio_id = ? ORDER BY cycle DESC LIMIT 1')
      .get(portfolioId) as CycleRow | undefined;
    return row === undefined ? undefined : toCycle(row);
  }

  /** When the portfolio last traded (a cycle that filled orders), or null: the cooldown survives restarts. */
  lastRebalanceAt(portfolioId: string): number | null {
    const row = this.db
      .prepare(
        "SELECT max(started_at) AS at FROM cycles WHERE portfolio_id = ? AND decision IN ('rebalanced','partial','invested')",
      )
      .get(portfolioId) as { at: number | null };
    return row.at;
  }

  /** Most recent first. */
  list(portfolioId: string, limit = 100): CycleRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM cycles WHERE portfolio_id = ? ORDER BY cycle DESC LIMIT ?')
        .all(portfolioId, limit) as CycleRow[]
    ).map(toCycle);
  }

  /** Cycles started but never finished (the process stopped mid-cycle). */
  unfinished(): CycleRecord[] {
    return (
      this.db.prepare('SELECT * FROM cycles WHERE finished_at IS NULL ORDER BY portfolio_id, cycle').all() as CycleRow[]
    ).map(toCycle);
  }

  /**
   * Closes every cycle a stopped process left open (of one portfolio, or all) as `interrupted`, in one
   * transaction; returns how many.
   */
  interruptUnfinished(at: number, reason: string, portfolioId?: string): number {
    return this.db
      .transaction(() => {
        const open = this.unfinished().filter((c) => portfolioId === undefined || c.portfolioId === portfolioId);
        for (const c of open)
          this.finish({ portfolioId: c.portfolioId, cycle: c.cycle, decision: 'interrupted', reason, at });
        return open.length;
      })
      .immediate();
  }

  /** Journals the plan an open cycle is about to execute (before its first order). */
  recordPlan(portfolioId: string, cycle: number, planned: PlannedCycle): void {
    const json = toStoredJson('cycle.planned', planned);
    const c = this.get(portfolioId, cycle);
    if (c.finishedAt !== null)
      throw new JournalConflictError(
        `journal: cycle ${cycle} of ${portfolioId} is finished; its plan is journaled before`,
      );
    this.db.prepare('UPDATE cycles SET planned = ? WHERE portfolio_id = ? AND cycle = ?').run(json, portfolioId, cycle);
  }

  /** The plan a cycle journaled before executing, if it did. */
  planned(portfolioId: string, cycle: number): PlannedCycle | undefined {
    const row = this.db
      .prepare('SELECT planned FROM cycles WHERE portfolio_id = ? AND cycle = ?')
      .get(portfolioId, cycle) as { planned: string | null } | undefined;
    return row?.planned == null ? undefined : (JSON.parse(row.planned) as PlannedCycle);
  }

  /** Records the cycle's snapshot as its portfolio's latest (one row per portfolio). */
  recordSnapshot(snapshot: CycleSnapshot): void {
    this.get(snapshot.portfolioId, snapshot.cycle);
    this.db.prepare(UPSERT_SNAPSHOT).run(...snapshotArgs(snapshot));
  }

  /** The latest cycle's snapshot of the portfolio, whichever process ran it (undefined before the first). */
  snapshot(portfolioId: string): CycleSnapshot | undefined {
    const row = this.db.prepare('SELECT * FROM portfolio_snapshots WHERE portfolio_id = ?').get(portfolioId) as
      | SnapshotRow
      | undefined;
    return row === undefined ? undefined : toSnapshot(row);
  }

  recordSkipped(
    input: Omit<SkippedTrade, 'side' | 'quantity' | 'notional'> & {
      side?: 'buy' | 'sell';
      quantity?: number;
      notional?: number;
    },
  ): void {
    if (input.code.length === 0 || input.reason.length === 0)
      throw new JournalInputError('skipped.reason', 'code and reason must not be empty');
    this.get(input.portfolioId, input.cycle);
    this.db
      .prepare(
        'INSERT INTO skipped_trades (portfolio_id, cycle, asset, side, quantity, notional, code, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
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

  skipped(portfolioId: string, cycle?: number): SkippedTrade[] {
    const rows =
      cycle === undefined
        ? this.db.prepare('SELECT * FROM skipped_trades WHERE portfolio_id = ? ORDER BY id').all(portfolioId)
        : this.db
            .prepare('SELECT * FROM skipped_trades WHERE portfolio_id = ? AND cycle = ? ORDER BY id')
            .all(portfolioId, cycle);
    return (rows as SkippedRow[]).map(toSkipped);
  }
}
