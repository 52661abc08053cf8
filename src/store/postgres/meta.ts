/** The PostgreSQL image of MetaStore (../meta.ts). */
import type { MetaPort } from '../ports.ts';
import type { Sql } from './sql.ts';

export class PgMetaStore implements MetaPort {
  constructor(private readonly sql: Sql) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.sql.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', key))?.value;
  }

  async set(key: string, value: string, at: number): Promise<void> {
    await this.sql.run(
      'INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      key,
      value,
      at,
    );
  }

  async delete(key: string): Promise<void> {
    await this.sql.run('DELETE FROM meta WHERE key = ?', key);
  }
}
