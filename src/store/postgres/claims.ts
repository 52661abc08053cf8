/** The PostgreSQL image of WorkClaimStore (../claims.ts): the same checks, rows and messages. */
import { ClaimLostError, type ClaimSource, type WorkClaimRow } from '../claims.ts';
import { JournalNotFoundError } from '../errors.ts';
import type { ClaimPort } from '../ports.ts';
import type { Sql } from './sql.ts';

interface Row {
  portfolio_id: string;
  source: ClaimSource;
  plan_id: string | null;
  claimed_at: number;
}
const toClaim = (r: Row): WorkClaimRow => ({
  portfolioId: r.portfolio_id,
  source: r.source,
  planId: r.plan_id,
  claimedAt: r.claimed_at,
});

export class PgWorkClaimStore implements ClaimPort {
  constructor(private readonly sql: Sql) {}

  claim(input: { portfolioId: string; source: ClaimSource; planId?: string; at: number }): Promise<WorkClaimRow> {
    return this.sql.tx(async (s) => {
      const self = new PgWorkClaimStore(s);
      const held = await self.find(input.portfolioId);
      if (held !== undefined)
        throw new ClaimLostError(
          input.portfolioId,
          `its orders are being sent by ${held.source === 'approval' ? `approved plan ${held.planId}` : 'a cycle'} (claimed at ${new Date(held.claimedAt).toISOString()})`,
        );
      if (input.planId !== undefined) await self.claimPlan(input.portfolioId, input.planId);
      await s.run(
        'INSERT INTO work_claims (portfolio_id, source, plan_id, claimed_at) VALUES (?, ?, ?, ?)',
        input.portfolioId,
        input.source,
        input.planId ?? null,
        input.at,
      );
      return (await self.find(input.portfolioId))!;
    });
  }

  private async claimPlan(portfolioId: string, planId: string): Promise<void> {
    const p = await this.sql.get<{ portfolio_id: string; state: string }>(
      'SELECT portfolio_id, state FROM plans WHERE id = ?',
      planId,
    );
    if (p === undefined) throw new JournalNotFoundError('plan', planId);
    if (p.portfolio_id !== portfolioId) throw new ClaimLostError(portfolioId, `plan ${planId} is not this portfolio's`);
    const r = await this.sql.run("UPDATE plans SET state = 'executing' WHERE id = ? AND state = 'pending'", planId);
    if (r.changes !== 1) throw new ClaimLostError(portfolioId, `plan ${planId} is already ${p.state}`);
  }

  async find(portfolioId: string): Promise<WorkClaimRow | undefined> {
    const r = await this.sql.get<Row>('SELECT * FROM work_claims WHERE portfolio_id = ?', portfolioId);
    return r === undefined ? undefined : toClaim(r);
  }

  async release(portfolioId: string): Promise<void> {
    await this.sql.run('DELETE FROM work_claims WHERE portfolio_id = ?', portfolioId);
  }

  /**
   * Claims left by processes that died. On PostgreSQL many processes share the database and there is no
   * writer lock: only the caller knows no live process holds them (a single `serve`, or the work queue's
   * expiry of the job that held one), so call it only then.
   */
  clearStale(at: number): Promise<WorkClaimRow[]> {
    return this.sql.tx(async (s) => {
      const rows = (await s.all<Row>('SELECT * FROM work_claims ORDER BY portfolio_id COLLATE "C"')).map(toClaim);
      await s.run(
        "UPDATE plans SET state = 'refused', decided_at = ?, decision_reason = 'interrupted: the service stopped while executing it; its orders were reconciled at the next start' WHERE state = 'executing'",
        at,
      );
      await s.run('DELETE FROM work_claims');
      return rows;
    });
  }
}
