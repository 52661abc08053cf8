/**
 * Plans awaiting approval (review then execute): id, hash, expiry, the plan as JSON. A pending plan is
 * decided once: refused (with the reason), expired, or superseded by a newer plan; or claimed for
 * execution (`executing`, by WorkClaimStore.claim, atomically) and then finished executed or refused.
 */
import { createHash } from 'node:crypto';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import { requireFinite } from './intent-core.ts';
import type { SqliteDatabase } from './open-database.ts';
import { toStoredJson } from './secrets.ts';

export type PlanState = 'pending' | 'executing' | 'executed' | 'refused' | 'expired' | 'superseded';

export interface StoredPlan {
  readonly id: string;
  readonly portfolioId: string;
  readonly hash: string;
  readonly plan: unknown;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly state: PlanState;
  readonly decidedAt: number | null;
  readonly decisionReason: string | null;
  readonly cycle: number | null;
}

export interface PlanRow {
  id: string;
  portfolio_id: string;
  hash: string;
  plan: string;
  created_at: number;
  expires_at: number;
  state: PlanState;
  decided_at: number | null;
  decision_reason: string | null;
  cycle: number | null;
}
export const toPlan = (r: PlanRow): StoredPlan => ({
  id: r.id,
  portfolioId: r.portfolio_id,
  hash: r.hash,
  plan: JSON.parse(r.plan),
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  state: r.state,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  cycle: r.cycle,
});

/** SHA-256 (hex) of the plan's canonical JSON (keys sorted): the same plan always has the same hash. */
export function planHash(plan: unknown): string {
  return createHash('sha256').update(toStoredJson('plan', plan)).digest('hex');
}

export class PlanStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Stores a pending plan; earlier pending plans of the portfolio become 'superseded'. */
  add(input: {
    id: string;
    portfolioId: string;
    plan: unknown;
    hash?: string;
    createdAt: number;
    expiresAt: number;
  }): StoredPlan {
    requireFinite('createdAt', input.createdAt);
    requireFinite('expiresAt', input.expiresAt);
    if (!(input.expiresAt > input.createdAt)) throw new JournalInputError('expiresAt', 'must be after createdAt');
    if (input.id.length === 0) throw new JournalInputError('id', 'must not be empty');
    const json = toStoredJson('plan', input.plan);
    const hash = input.hash ?? planHash(input.plan);
    return this.db
      .transaction(() => {
        if (this.db.prepare('SELECT 1 FROM portfolios WHERE id = ?').get(input.portfolioId) === undefined)
          throw new JournalNotFoundError('portfolio', input.portfolioId);
        this.db
          .prepare(
            "UPDATE plans SET state = 'superseded', decided_at = ?, decision_reason = ? WHERE portfolio_id = ? AND state = 'pending'",
          )
          .run(input.createdAt, `superseded by plan ${input.id}`, input.portfolioId);
        this.db
          .prepare(
            "INSERT INTO plans (id, portfolio_id, hash, plan, created_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
          )
          .run(input.id, input.portfolioId, hash, json, input.createdAt, input.expiresAt);
        return this.get(input.id);
      })
      .immediate();
  }

  find(id: string): StoredPlan | undefined {
    const r = this.db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
    return r === undefined ? undefined : toPlan(r);
  }

  get(id: string): StoredPlan {
    const p = this.find(id);
    if (p === undefined) throw new JournalNotFoundError('plan', id);
    return p;
  }

  pending(portfolioId: string): StoredPlan | undefined {
    const r = this.db
      .prepare("SELECT * FROM plans WHERE portfolio_id = ? AND state = 'pending' ORDER BY created_at DESC LIMIT 1")
      .get(portfolioId) as PlanRow | undefined;
    return r === undefined ? undefined : toPlan(r);
  }

  /** Decides a pending plan once. Deciding a plan that is no longer pending is a conflict (its state says why). */
  decide(
    id: string,
    decision: Exclude<PlanState, 'pending' | 'executing'>,
    input: { at: number; reason: string; cycle?: number },
  ): StoredPlan {
    return this.decideFrom('pending', id, decision, input);
  }

  /** Finishes a plan claimed for execution (state `executing`): executed, or refused with the reason. */
  finish(
    id: string,
    decision: 'executed' | 'refused',
    input: { at: number; reason: string; cycle?: number },
  ): StoredPlan {
    return this.decideFrom('executing', id, decision, input);
  }

  private decideFrom(
    from: 'pending' | 'executing',
    id: string,
    decision: Exclude<PlanState, 'pending' | 'executing'>,
    input: { at: number; reason: string; cycle?: number },
  ): StoredPlan {
    return this.db
      .transaction(() => {
        const p = this.get(id);
        if (p.state !== from)
          throw new JournalConflictError(
            `journal: plan ${id} is already ${p.state}${p.decisionReason === null ? '' : ` (${p.decisionReason})`}; create a new plan.`,
          );
        this.db
          .prepare('UPDATE plans SET state = ?, decided_at = ?, decision_reason = ?, cycle = ? WHERE id = ?')
          .run(decision, input.at, input.reason, input.cycle ?? null, id);
        return this.get(id);
      })
      .immediate();
  }

  /** Marks every pending plan whose expiry is at or before `now` as expired; returns how many. */
  expireDue(now: number): number {
    return this.db
      .prepare(
        "UPDATE plans SET state = 'expired', decided_at = ?, decision_reason = 'expired before approval' WHERE state = 'pending' AND expires_at <= ?",
      )
      .run(now, now).changes;
  }

  list(portfolioId: string, limit = 50): StoredPlan[] {
    return (
      this.db
        .prepare('SELECT * FROM plans WHERE portfolio_id = ? ORDER BY created_at DESC LIMIT ?')
        .all(portfolioId, limit) as PlanRow[]
    ).map(toPlan);
  }
}
