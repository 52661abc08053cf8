/**
 * The paper venue's balances, so a paper portfolio survives restarts. Apply a fill's balance change in
 * the same transaction as the fill (Journal.transaction) so the two can never disagree after a crash.
 */
import type { Balances } from '../../core/ports.ts';
import { JournalInputError } from './errors.ts';
import { requireFinite } from './intent-core.ts';
import type { SqliteDatabase } from './open-database.ts';

export class PaperBalanceStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** All balances of an account ({} for an account never funded). */
  get(account: string): Balances {
    const rows = this.db
      .prepare('SELECT asset, quantity FROM paper_balances WHERE account = ? ORDER BY asset')
      .all(account) as { asset: string; quantity: number }[];
    const out: Record<string, number> = {};
    for (const r of rows) out[r.asset] = r.quantity;
    return out;
  }

  /** True once the account has any balance row (to seed initial balances only once). */
  exists(account: string): boolean {
    return this.db.prepare('SELECT 1 FROM paper_balances WHERE account = ? LIMIT 1').get(account) !== undefined;
  }

  /** Replaces the account's balances with exactly `balances`. */
  set(account: string, balances: Balances, at: number): void {
    for (const [asset, q] of Object.entries(balances)) requireFinite(`balances.${asset}`, q);
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM paper_balances WHERE account = ?').run(account);
        const ins = this.db.prepare(
          'INSERT INTO paper_balances (account, asset, quantity, updated_at) VALUES (?, ?, ?, ?)',
        );
        for (const [asset, q] of Object.entries(balances)) ins.run(account, asset, q, at);
      })
      .immediate();
  }

  /**
   * Adds `deltas` (negative to debit). Refuses, writing nothing, if any balance would go below zero
   * (a paper venue must not let a portfolio spend what it does not hold).
   */
  apply(account: string, deltas: Balances, at: number): Balances {
    for (const [asset, d] of Object.entries(deltas)) requireFinite(`deltas.${asset}`, d);
    return this.db
      .transaction(() => {
        const cur = this.get(account);
        const up = this.db.prepare(
          'INSERT INTO paper_balances (account, asset, quantity, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(account, asset) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at',
        );
        for (const [asset, d] of Object.entries(deltas)) {
          const next = (cur[asset] ?? 0) + d;
          if (next < 0)
            throw new JournalInputError(
              `deltas.${asset}`,
              `would leave ${account} with ${next} ${asset} (holds ${cur[asset] ?? 0}); nothing was changed`,
            );
          up.run(account, asset, next, at);
        }
        return this.get(account);
      })
      .immediate();
  }
}
