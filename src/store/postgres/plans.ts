/** The PostgreSQL image of PlanStore (../plans.ts): the same checks, rows and messages. */
import { JournalConflictError, JournalInputError, JournalNotFoundError } from '../errors.ts';
import { requireFinite } from '../intent-core.ts';
import { type PlanRow, type PlanState, planHash, type StoredPlan, toPlan } from '../plans.ts';
import type { PlanPort } from '../ports.ts';
import { toStoredJson } from '../secrets.ts';
import type { Sql } from './sql.ts';

export class PgPlanStore implements PlanPort {
  constructor(private readonly sql: Sql) {}

  async add(input: {
    id: string;
    portfolioId: string;
    plan: unknown;
    hash?: string;
    createdAt: number;
    expiresAt: number;
  }): Promise<StoredPlan> {
    requireFinite('createdAt', input.createdAt);
    requireFinite('expiresAt', input.expiresAt);
    if (!(input.expiresAt > input.createdAt)) throw new JournalInputError('expiresAt', 'must be after createdAt');
    if (input.id.length === 0) throw new JournalInputError('id', 'must not be empty');
    const json = toStoredJson('plan', input.plan);
    const hash = input.hash ?? planHash(input.plan);
    return this.sql.tx(async (s) => {
      if ((await s.get('SELECT 1 FROM portfolios WHERE id = ?', input.portfolioId)) === undefined)
        throw new JournalNotFoundError('portfolio', input.portfolioId);
      await s.run(
        "UPDATE plans SET state = 'superseded', decided_at = ?, decision_reason = ? WHERE portfolio_id = ? AND state = 'pending'",
        input.createdAt,
        `superseded by plan ${input.id}`,
        input.portfolioId,
      );
      await s.run(
        "INSERT INTO plans (id, portfolio_id, hash, plan, created_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, 'pending')",
        input.id,
        input.portfolioId,
        hash,
        json,
        input.createdAt,
        input.expiresAt,
      );
      return new PgPlanStore(s).get(input.id);
    });
  }

  async find(id: string): Promise<StoredPlan | undefined> {
    const r = await this.sql.get<PlanRow>('SELECT * FROM plans WHERE id = ?', id);
    return r === undefined ? undefined : toPlan(r);
  }

  async get(id: string): Promise<StoredPlan> {
    const p = await this.find(id);
    if (p === undefined) throw new JournalNotFoundError('plan', id);
    return p;
  }

  async pending(portfolioId: string): Promise<StoredPlan | undefined> {
    const r = await this.sql.get<PlanRow>(
      "SELECT * FROM plans WHERE portfolio_id = ? AND state = 'pending' ORDER BY created_at DESC LIMIT 1",
      portfolioId,
    );
    return r === undefined ? undefined : toPlan(r);
  }

  decide(
    id: string,
    decision: Exclude<PlanState, 'pending' | 'executing'>,
    input: { at: number; reason: string; cycle?: number },
  ): Promise<StoredPlan> {
    return this.decideFrom('pending', id, decision, input);
  }

  finish(
    id: string,
    decision: 'executed' | 'refused',
    input: { at: number; reason: string; cycle?: number },
  ): Promise<StoredPlan> {
    return this.decideFrom('executing', id, decision, input);
  }

  private decideFrom(
    from: 'pending' | 'executing',
    id: string,
    decision: Exclude<PlanState, 'pending' | 'executing'>,
    input: { at: number; reason: string; cycle?: number },
  ): Promise<StoredPlan> {
    return this.sql.tx(async (s) => {
      const self = new PgPlanStore(s);
      const p = await self.get(id);
      if (p.state !== from)
        throw new JournalConflictError(
          `journal: plan ${id} is already ${p.state}${p.decisionReason === null ? '' : ` (${p.decisionReason})`}; create a new plan.`,
        );
      await s.run(
        'UPDATE plans SET state = ?, decided_at = ?, decision_reason = ?, cycle = ? WHERE id = ?',
        decision,
        input.at,
        input.reason,
        input.cycle ?? null,
        id,
      );
      return self.get(id);
    });
  }

  async expireDue(now: number): Promise<number> {
    return (
      await this.sql.run(
        "UPDATE plans SET state = 'expired', decided_at = ?, decision_reason = 'expired before approval' WHERE state = 'pending' AND expires_at <= ?",
        now,
        now,
      )
    ).changes;
  }

  async list(portfolioId: string, limit = 50): Promise<StoredPlan[]> {
    return (
      await this.sql.all<PlanRow>(
        'SELECT * FROM plans WHERE portfolio_id = ? ORDER BY created_at DESC LIMIT ?',
        portfolioId,
        limit,
      )
    ).map(toPlan);
  }
}
