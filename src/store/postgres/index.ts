/** The PostgreSQL store (issue #28): the same Store ports as the SQLite journal, for many processes. */
export { PG_MIGRATIONS } from './migrations.ts';
export { isRetryable, PoolSql, type Sql } from './sql.ts';
export { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from './store.ts';
export { checkPostgresUrl, isPostgresUrl, redactUrl } from './url.ts';
export { type WorkerFigures, WorkerStats } from './worker-stats.ts';
