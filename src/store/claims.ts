/**
 * Work claims (issue #13): before any order of a portfolio is sent, the sender claims the portfolio's one
 * execution slot in a single IMMEDIATE transaction, and an approval also moves its plan
 * `pending → executing` in that same transaction. Both are synchronous (better-sqlite3), so a claim is
 * decided before the caller's first await: of N concurrent approvals exactly one wins, the others are
 * refused with nothing sent. A claim is released when its work is recorded.
 */
import type { Next } from '../core/errors.ts';
import { JournalError, JournalNotFoundError } from './errors.ts';
import type { SqliteDatabase } from './open-database.ts';

export type ClaimSource = 'cycle' | 'approval';

export interface WorkClaimRow {
  readonly portfolioId: string;
  readonly source: ClaimSource;
  readonly planId: string | null;
  readonly claimedAt: number;
}

/** The portfolio's execution slot, or the plan, is taken: nothing was changed and nothing may be sent. */
export class ClaimLostError extends JournalError {
  static override readonly next: Next = 'fix-input';
  static override readonly httpStatus = 409 as const;
  override readonly name = 'ClaimLostError';
  constructor(
    readonly portfolioId: string,
    readonly why: string,
  ) {
    super(`portfolio ${portfolioId}: ${why}; nothing was sent.`);
  }
}

interface Row {
  portfolio_id: string;
  source: ClaimSource;
  plan_id: string | null;
  claimed_at: number;
}

export class WorkClaimStore {
  constructor(private readonly db: SqliteDatabase) {}

  /**
   * Claims the portfolio's slot (and, for an approval, moves the plan pending → executing) atomically.
   * Throws ClaimLostError when another claim holds the slot or the plan is no longer pending.
   */
  claim(input: { portfolioId: string; source: ClaimSource; planId?: string; at: number }): WorkClaimRow {
    return this.db
      .transaction(() => {
        const held = this.find(input.portfolioId);
        if (held !== undefined)
          throw new ClaimLostError(
            input.portfolioId,
            `its orders are being sent by ${held.source === 'approval' ? `approved plan ${held.planId}` : 'a cycle'} (claimed at ${new Date(held.claimedAt).toISOString()})`,
          );
        if (input.planId !== undefined) this.claimPlan(input.portfolioId, input.planId);
        this.db
          .prepare('INSERT INTO work_claims (portfolio_id, source, plan_id, claimed_at) VALUES (?, ?, ?, ?)')
          .run(input.portfolioId, input.source, input.planId ?? null, input.at);
        return this.find(input.portfolioId)!;
      })
      .immediate();
  }

  private claimPlan(portfolioId: string, planId: string): void {
    const p = this.db.prepare('SELECT portfolio_id, state FROM plans WHERE id = ?').get(planId) as
      | { portfolio_id: string; state: string }
      | undefined;
    if (p === undefined) throw new JournalNotFoundError('plan', planId);
    if (p.portfolio_id !== portfolioId) throw new ClaimLostError(portfolioId, `plan ${planId} is not this portfolio's`);
    const r = this.db.prepare("UPDATE plans SET state = 'executing' WHERE id = ? AND state = 'pending'").run(planId);
    if (r.changes !== 1) throw new ClaimLostError(portfolioId, `plan ${planId} is already ${p.state}`);
  }

  find(portfolioId: string): WorkClaimRow | undefined {
    const r = this.db.prepare('SELECT * FROM work_claims WHERE portfolio_id = ?').get(portfolioId) as Row | undefined;
    return r === undefined
      ? undefined
      : { portfolioId: r.portfolio_id, source: r.source, planId: r.plan_id, claimedAt: r.claimed_at };
  }

  /** Releases the portfolio's slot (idempotent). The plan's final state is set by PlanStore.finish. */
  release(portfolioId: string): void {
    this.db.prepare('DELETE FROM work_claims WHERE portfolio_id = ?').run(portfolioId);
  }

  /**
   * At start, under the writer lock: claims left by a process that died. Their plans become 'refused'
   * (whatever they sent is an intent that recovery reconciles by lookup). Returns the claims cleared.
   */
  clearStale(at: number): WorkClaimRow[] {
    return this.db
      .transaction(() => {
        const rows = (this.db.prepare('SELECT * FROM work_claims').all() as Row[]).map(
          (r) => this.find(r.portfolio_id)!,
        );
        this.db
          .prepare(
            "UPDATE plans SET state = 'refused', decided_at = ?, decision_reason = 'interrupted: the service stopped while executing it; its orders were reconciled at the next start' WHERE state = 'executing'",
          )
          .run(at);
        this.db.prepare('DELETE FROM work_claims').run();
        return rows;
      })
      .immediate();
  }
}
