/** The PostgreSQL image of PortfolioStore (../portfolios.ts): the same checks, rows and messages. */
import { portfolioPrefix } from '../../core/orders/client-order-id.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from '../errors.ts';
import {
  type PortfolioRecord,
  type PortfolioRow,
  type TargetRow,
  type TargetVersion,
  toPortfolio,
  toTarget,
} from '../portfolios.ts';
import type { PortfolioPort } from '../ports.ts';
import { toStoredJson } from '../secrets.ts';
import type { Sql } from './sql.ts';

export class PgPortfolioStore implements PortfolioPort {
  constructor(
    private readonly sql: Sql,
    private readonly namespace: string,
  ) {}

  async upsert(input: { id: string; name?: string; config: unknown; at: number }): Promise<PortfolioRecord> {
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(input.id)) {
      throw new JournalInputError(
        'portfolio.id',
        `must be 1–200 characters of [A-Za-z0-9._-], got ${JSON.stringify(input.id)}`,
      );
    }
    const prefix = portfolioPrefix(input.id, this.namespace);
    const config = toStoredJson('portfolio.config', input.config);
    const name = input.name ?? input.id;
    return this.sql.tx(async (s) => {
      const clash = await s.get<{ id: string }>(
        'SELECT id FROM portfolios WHERE cid_prefix = ? AND id <> ?',
        prefix,
        input.id,
      );
      if (clash !== undefined) {
        throw new JournalConflictError(
          `journal: portfolio ${input.id} would share client order id prefix ${prefix} with portfolio ${clash.id}; rename one of them (order ids must never collide).`,
        );
      }
      await s.run(
        `INSERT INTO portfolios (id, name, cid_prefix, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, config = excluded.config, updated_at = excluded.updated_at`,
        input.id,
        name,
        prefix,
        config,
        input.at,
        input.at,
      );
      return new PgPortfolioStore(s, this.namespace).get(input.id);
    });
  }

  async find(id: string): Promise<PortfolioRecord | undefined> {
    const row = await this.sql.get<PortfolioRow>('SELECT * FROM portfolios WHERE id = ?', id);
    return row === undefined ? undefined : toPortfolio(row);
  }

  async get(id: string): Promise<PortfolioRecord> {
    const p = await this.find(id);
    if (p === undefined) throw new JournalNotFoundError('portfolio', id);
    return p;
  }

  async list(): Promise<PortfolioRecord[]> {
    return (await this.sql.all<PortfolioRow>('SELECT * FROM portfolios ORDER BY id COLLATE "C"')).map(toPortfolio);
  }

  async addTargetVersion(input: {
    portfolioId: string;
    targets: unknown;
    source: string;
    note?: string;
    at: number;
  }): Promise<TargetVersion> {
    const json = toStoredJson('targets', input.targets);
    return this.sql.tx(async (s) => {
      const self = new PgPortfolioStore(s, this.namespace);
      await self.get(input.portfolioId);
      const latest = await s.get<TargetRow>(
        'SELECT * FROM target_versions WHERE portfolio_id = ? ORDER BY version DESC LIMIT 1',
        input.portfolioId,
      );
      if (latest !== undefined && latest.targets === json) return toTarget(latest);
      const version = (latest?.version ?? 0) + 1;
      await s.run(
        'INSERT INTO target_versions (portfolio_id, version, targets, source, note, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        input.portfolioId,
        version,
        json,
        input.source,
        input.note ?? null,
        input.at,
      );
      return (await self.latestTarget(input.portfolioId)) as TargetVersion;
    });
  }

  async latestTarget(portfolioId: string): Promise<TargetVersion | undefined> {
    const row = await this.sql.get<TargetRow>(
      'SELECT * FROM target_versions WHERE portfolio_id = ? ORDER BY version DESC LIMIT 1',
      portfolioId,
    );
    return row === undefined ? undefined : toTarget(row);
  }

  async targetVersions(portfolioId: string): Promise<TargetVersion[]> {
    return (
      await this.sql.all<TargetRow>(
        'SELECT * FROM target_versions WHERE portfolio_id = ? ORDER BY version',
        portfolioId,
      )
    ).map(toTarget);
  }

  async failures(id: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>('SELECT consecutive_failures AS n FROM portfolios WHERE id = ?', id);
    if (row === undefined) throw new JournalNotFoundError('portfolio', id);
    return row.n;
  }

  async countFailure(id: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'UPDATE portfolios SET consecutive_failures = consecutive_failures + 1 WHERE id = ? RETURNING consecutive_failures AS n',
      id,
    );
    if (row === undefined) throw new JournalNotFoundError('portfolio', id);
    return row.n;
  }

  async resetFailures(id: string): Promise<void> {
    await this.sql.run('UPDATE portfolios SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures <> 0', id);
  }
}
