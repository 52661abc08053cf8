/**
 * PostgreSQL for tests (issue #28): a real server, never a mock. `.ci/run` starts one cluster and exports
 * BALLAST_TEST_PG_URL; without it, the first test that asks starts a throw-away cluster of its own
 * (scripts/pg-test-cluster.sh: Debian's postgresql, run as the `postgres` user) and stops it at exit.
 * Each `freshDatabase()` is a new empty database on that server, so tests never see each other's rows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const SCRIPT = fileURLToPath(new URL('../../scripts/pg-test-cluster.sh', import.meta.url));

function installed(): boolean {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
}

const absent = 'PostgreSQL is absent (install it with: apt-get install -y postgresql, or set BALLAST_TEST_PG_URL)';

/**
 * false when a PostgreSQL test can run, else why it skips. In CI (CI=true; .ci/run starts a cluster) a
 * PostgreSQL test never skips: it runs and fails on the missing server.
 */
export const pgSkip: false | string =
  process.env.BALLAST_TEST_PG_URL !== undefined || installed() || process.env.CI === 'true' ? false : absent;

let server: string | undefined;

/** The test server's URL (its `postgres` database), starting a cluster for this process if none is given. */
export function pgServerUrl(): string {
  if (server !== undefined) return server;
  const given = process.env.BALLAST_TEST_PG_URL;
  if (given !== undefined && given !== '') {
    server = given;
    return server;
  }
  if (!installed()) throw new TypeError(`PostgreSQL test: ${absent}`);
  const dir = mkdtempSync(join(tmpdir(), 'ballast-pg-'));
  server = execFileSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8' }).trim();
  process.on('exit', () => {
    spawnSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore' });
  });
  return server;
}

let counter = 0;

/** A new, empty database on the test server; its URL. */
export async function freshDatabase(): Promise<string> {
  const base = pgServerUrl();
  const name = `t_${process.pid}_${Date.now().toString(36)}_${++counter}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}
