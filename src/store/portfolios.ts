/**
 * Portfolios (id, name, config without secrets) and their target versions: a changed target is a new
 * version; the latest wins on start (the service shows the file's target beside it).
 */
import { portfolioPrefix } from '../core/orders/client-order-id.ts';
import { JournalConflictError, JournalInputError, JournalNotFoundError } from './errors.ts';
import type { SqliteDatabase } from './open-database.ts';
import { toStoredJson } from './secrets.ts';

export interface PortfolioRecord {
  readonly id: string;
  readonly name: string;
  /** First 8 characters of every client order id of this portfolio. */
  readonly cidPrefix: string;
  /** As stored: secret-named keys redacted. */
  readonly config: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface TargetVersion {
  readonly portfolioId: string;
  readonly version: number;
  /** Target weights (or the whole target section), as JSON. */
  readonly targets: unknown;
  /** Who set it: 'file', 'api', 'cli'. */
  readonly source: string;
  readonly note: string | null;
  readonly createdAt: number;
}

export interface PortfolioRow {
  id: string;
  name: string;
  cid_prefix: string;
  config: string;
  created_at: number;
  updated_at: number;
}
export interface TargetRow {
  portfolio_id: string;
  version: number;
  targets: string;
  source: string;
  note: string | null;
  created_at: number;
}

export const toPortfolio = (r: PortfolioRow): PortfolioRecord => ({
  id: r.id,
  name: r.name,
  cidPrefix: r.cid_prefix,
  config: JSON.parse(r.config),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
export const toTarget = (r: TargetRow): TargetVersion => ({
  portfolioId: r.portfolio_id,
  version: r.version,
  targets: JSON.parse(r.targets),
  source: r.source,
  note: r.note,
  createdAt: r.created_at,
});

export class PortfolioStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly namespace: string,
  ) {}

  /** Registers a portfolio or updates its name and config (secrets redacted). Returns the stored record. */
  upsert(input: { id: string; name?: string; config: unknown; at: number }): PortfolioRecord {
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(input.id)) {
      throw new JournalInputError(
        'portfolio.id',
        `must be 1–200 characters of [A-Za-z0-9._-], got ${JSON.stringify(input.id)}`,
      );
    }
    const prefix = portfolioPrefix(input.id, this.namespace);
    const config = toStoredJson('portfolio.config', input.config);
    const name = input.name ?? input.id;
    return this.db
      .transaction(() => {
        const clash = this.db
          .prepare('SELECT id FROM portfolios WHERE cid_prefix = ? AND id <> ?')
          .get(prefix, input.id) as { id: string } | undefined;
        if (clash !== undefined) {
          throw new JournalConflictError(
            `journal: portfolio ${input.id} would share client order id prefix ${prefix} with portfolio ${clash.id}; rename one of them (order ids must never collide).`,
          );
        }
        this.db
          .prepare(
            `INSERT INTO portfolios (id, name, cid_prefix, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, config = excluded.config, updated_at = excluded.updated_at`,
          )
          .run(input.id, name, prefix, config, input.at, input.at);
        return this.get(input.id);
      })
      .immediate();
  }

  find(id: string): PortfolioRecord | undefined {
    const row = this.db.prepare('SELECT * FROM portfolios WHERE id = ?').get(id) as PortfolioRow | undefined;
    return row === undefined ? undefined : toPortfolio(row);
  }

  get(id: string): PortfolioRecord {
    const p = this.find(id);
    if (p === undefined) throw new JournalNotFoundError('portfolio', id);
    return p;
  }

  list(): PortfolioRecord[] {
    return (this.db.prepare('SELECT * FROM portfolios ORDER BY id').all() as PortfolioRow[]).map(toPortfolio);
  }

  /**
   * Stores `targets` as a new version unless it equals the latest one (then returns the latest):
   * re-reading an unchanged file on every start does not pile up versions.
   */
  addTargetVersion(input: {
    portfolioId: string;
    targets: unknown;
    source: string;
    note?: string;
    at: number;
  }): TargetVersion {
    const json = toStoredJson('targets', input.targets);
    return this.db
      .transaction(() => {
        this.get(input.portfolioId);
        const latest = this.db
          .prepare('SELECT * FROM target_versions WHERE portfolio_id = ? ORDER BY version DESC LIMIT 1')
          .get(input.portfolioId) as TargetRow | undefined;
        if (latest !== undefined && latest.targets === json) return toTarget(latest);
        const version = (latest?.version ?? 0) + 1;
        this.db
          .prepare(
            'INSERT INTO target_versions (portfolio_id, version, targets, source, note, created_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(input.portfolioId, version, json, input.source, input.note ?? null, input.at);
        return this.latestTarget(input.portfolioId) as TargetVersion;
      })
      .immediate();
  }

  latestTarget(portfolioId: string): TargetVersion | undefined {
    const row = this.db
      .prepare('SELECT * FROM target_versions WHERE portfolio_id = ? ORDER BY version DESC LIMIT 1')
      .get(portfolioId) as TargetRow | undefined;
    return row === undefined ? undefined : toTarget(row);
  }

  targetVersions(portfolioId: string): TargetVersion[] {
    return (
      this.db
        .prepare('SELECT * FROM target_versions WHERE portfolio_id = ? ORDER BY version')
        .all(portfolioId) as TargetRow[]
    ).map(toTarget);
  }

  /** The kill switch's count of consecutive failed cycles (issue #28: in the store, whichever process ran them). */
  failures(id: string): number {
    const row = this.db.prepare('SELECT consecutive_failures AS n FROM portfolios WHERE id = ?').get(id) as
      | { n: number }
      | undefined;
    if (row === undefined) throw new JournalNotFoundError('portfolio', id);
    return row.n;
  }

  /** One more consecutive failed cycle, counted atomically; returns the new count. */
  countFailure(id: string): number {
    const row = this.db
      .prepare(
        'UPDATE portfolios SET consecutive_failures = consecutive_failures + 1 WHERE id = ? RETURNING consecutive_failures AS n',
      )
      .get(id) as { n: number } | undefined;
    if (row === undefined) throw new JournalNotFoundError('portfolio', id);
    return row.n;
  }

  /** A cycle that did not fail (or a resume): the count starts again from 0. */
  resetFailures(id: string): void {
    this.db
      .prepare('UPDATE portfolios SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures <> 0')
      .run(id);
  }
}
