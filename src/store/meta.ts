/** A small key-value store for the journal's own facts (journal id, last start, service version). */
import type { SqliteDatabase } from './open-database.ts';

export class MetaStore {
  private readonly getStmt;
  private readonly setStmt;
  private readonly deleteStmt;
  constructor(db: SqliteDatabase) {
    this.deleteStmt = db.prepare('DELETE FROM meta WHERE key = ?');
    this.getStmt = db.prepare('SELECT value FROM meta WHERE key = ?');
    this.setStmt = db.prepare(
      'INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
  }

  get(key: string): string | undefined {
    const row = this.getStmt.get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string, at: number): void {
    this.setStmt.run(key, value, at);
  }

  delete(key: string): void {
    this.deleteStmt.run(key);
  }
}
