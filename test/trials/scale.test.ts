/**
 * Issue #28's trial (real PostgreSQL, real processes): N bar-indexed paper portfolios, W worker processes
 * taking their cycle jobs from the work queue, random kill -9s of workers (each restarted at once). After
 * every job is done: no order sent twice, none lost, every fill journaled once, each bar of each portfolio
 * done once, and every portfolio's final balances equal to a single-process SQLite run of the same bars,
 * bit for bit (a cycle a kill interrupted is resumed with its journaled plan's remaining legs).
 *
 * Small by default (npm test); the full size:
 *   BALLAST_SCALE_PORTFOLIOS=1000 BALLAST_SCALE_WORKERS=4 BALLAST_SCALE_KILLS=20 BALLAST_SCALE_BARS=3 \
 *     node --import tsx --test test/trials/scale.test.ts
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { Service } from '../../src/service/service.ts';
import { BarFeed, barService } from '../../src/service/trials/bar-feed.ts';
import { seeded } from '../../src/service/trials/setup.ts';
import { CycleQueue } from '../../src/store/postgres/cycle-queue.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import { freshDatabase, pgSkip } from '../support/postgres.ts';

const N = Number(process.env.BALLAST_SCALE_PORTFOLIOS ?? 30);
const W = Number(process.env.BALLAST_SCALE_WORKERS ?? 2);
const KILLS = Number(process.env.BALLAST_SCALE_KILLS ?? 3);
const BARS = Number(process.env.BALLAST_SCALE_BARS ?? 4);
const DEADLINE_S = 5;
const ROOT = new URL('../..', import.meta.url).pathname;

const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

function spawnWorker(url: string, name: string): ChildProcess {
  const c = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/trials/scale-child.ts', url, String(N), name, String(DEADLINE_S)],
    { cwd: ROOT, stdio: ['ignore', 'ignore', process.env.BALLAST_SCALE_VERBOSE ? 'inherit' : 'pipe'] },
  );
  c.stderr?.resume();
  children.add(c);
  c.on('exit', () => children.delete(c));
  return c;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = async (s: PostgresStore, sql: string, ...args: unknown[]) =>
  (await s.sql.get<{ n: number }>(sql, ...args))?.n ?? 0;

/** The reference: the same bars through one in-process service on a SQLite journal. */
async function sqliteReference(): Promise<{
  balances: Map<string, Record<string, number>>;
  decisions: Map<string, string>;
}> {
  const feed = new BarFeed();
  const service = await Service.start(barService(N), {
    now: feed.now,
    feed,
    reference: null,
    strictGuards: false,
    journalPath: ':memory:',
    journalId: 'scale',
  });
  const decisions = new Map<string, string>();
  for (let k = 1; k <= BARS; k++) {
    feed.bar = k;
    for (const id of service.portfolioIds()) decisions.set(`${id}#${k}`, (await service.runCycle(id)).decision);
  }
  const balances = new Map<string, Record<string, number>>();
  for (const id of service.portfolioIds()) balances.set(id, await service.store.paperAccounts.get(id));
  await service.stop();
  return { balances, decisions };
}

test(`scale-out trial: ${N} portfolios × ${BARS} bars, ${W} workers, ${KILLS} kill -9s`, {
  skip: pgSkip,
  timeout: 1_800_000,
}, async (t) => {
  const url = await freshDatabase();
  const store = await openPostgresStore(url, { journalId: 'scale', poolSize: 4 });
  const queue = await CycleQueue.open(url, store, { deadlineMs: DEADLINE_S * 1000 });
  // Closed even when an assertion fails, so a failed trial ends instead of waiting on open connections.
  t.after(async () => {
    await queue.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
  });
  const workers = new Map<string, ChildProcess>();
  for (let i = 1; i <= W; i++) workers.set(`w${i}`, spawnWorker(url, `w${i}`));
  // Jobs can be queued once every portfolio is registered (the first worker's start registers them all).
  const t0 = Date.now();
  while ((await count(store, 'SELECT COUNT(*) AS n FROM portfolios')) < N) {
    assert.ok(Date.now() - t0 < 300_000, 'workers did not register the portfolios');
    await sleep(200);
  }
  const ids = (await store.portfolios.list()).map((p) => p.id);
  for (let k = 0; k < BARS; k++) await queue.enqueue(ids);
  const total = N * BARS;
  const rand = seeded(Number(process.env.BALLAST_SCALE_SEED ?? 20261204));
  const recoveries: number[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    await sleep(300 + rand() * 1500);
    const name = `w${1 + Math.floor(rand() * W)}`;
    const active = (
      await store.sql.all<{ id: string }>(
        "SELECT id::text AS id FROM pgboss.job WHERE name = 'ballast-cycles' AND state = 'active'",
      )
    ).map((r) => r.id);
    const at = Date.now();
    workers.get(name)!.kill('SIGKILL');
    workers.set(name, spawnWorker(url, name));
    // Recovery: until every job active at the kill (the killed worker's among them) is completed.
    void (async () => {
      for (;;) {
        const done =
          active.length === 0
            ? 0
            : await count(store, 'SELECT COUNT(*) AS n FROM cycle_jobs WHERE job_id = ANY(?::text[])', active);
        if (done === active.length) return recoveries.push(Date.now() - at);
        await sleep(100);
      }
    })();
  }
  const t1 = Date.now();
  while ((await count(store, 'SELECT COUNT(*) AS n FROM cycle_jobs')) < total) {
    assert.ok(
      Date.now() - t1 < 1_500_000,
      `jobs not done: ${await count(store, 'SELECT COUNT(*) AS n FROM cycle_jobs')} of ${total}`,
    );
    await sleep(250);
  }
  await sleep(500);
  for (const c of workers.values()) c.kill('SIGTERM');
  await Promise.all(
    [...workers.values()].map((c) => new Promise((r) => (c.exitCode === null ? c.on('exit', r) : r(null)))),
  );

  // Each bar of each portfolio done once (UNIQUE (portfolio_id, bar) in cycle_jobs), all of them.
  assert.equal(await count(store, 'SELECT COUNT(DISTINCT (portfolio_id, bar)) AS n FROM cycle_jobs'), total);
  assert.equal(await count(store, `SELECT COUNT(*) AS n FROM cycle_jobs WHERE bar > ${BARS}`), 0);
  // None lost: every intent resolved.
  assert.equal(
    await count(
      store,
      "SELECT COUNT(*) AS n FROM order_intents WHERE state IN ('committed','sent','unknown','open','partially_filled')",
    ),
    0,
  );
  // None sent twice: every order the paper venue executed is one filled intent, and the reverse.
  const venueOrders = await count(store, 'SELECT COUNT(*) AS n FROM paper_orders');
  const filled = await count(store, "SELECT COUNT(*) AS n FROM order_intents WHERE state = 'filled'");
  assert.equal(venueOrders, filled, 'paper orders = filled intents');
  assert.equal(
    await count(
      store,
      'SELECT COUNT(*) AS n FROM paper_orders p LEFT JOIN order_intents i ON i.client_order_id = p.client_order_id WHERE i.id IS NULL',
    ),
    0,
  );
  // Every fill journaled once: the venue's fills and the journal's are the same set.
  assert.equal(
    await count(
      store,
      'SELECT COUNT(*) AS n FROM paper_fills p FULL JOIN fills f ON f.trade_id = p.trade_id WHERE p.trade_id IS NULL OR f.trade_id IS NULL',
    ),
    0,
  );
  // Final states equal to one process on SQLite, bit for bit: a cycle a kill interrupted after some of its
  // legs filled is resumed with its journaled plan's remaining legs (src/service/runner/resume.ts), not
  // re-planned from the holdings left (which reaches the same trades by another arithmetic path).
  const ref = await sqliteReference();
  let exact = 0;
  for (const id of ids) {
    const got = await store.paperAccounts.get(id);
    const want = ref.balances.get(id)!;
    assert.deepEqual(got, want, `balances of ${id}`);
    exact += 1;
  }
  const resumed = await count(store, `SELECT COUNT(*) AS n FROM cycles WHERE detail LIKE '%"resumed"%'`);
  const interrupted = await count(store, "SELECT COUNT(*) AS n FROM cycles WHERE decision = 'interrupted'");
  const report = {
    portfolios: N,
    bars: BARS,
    workers: W,
    kills: KILLS,
    jobs: total,
    ordersFilled: filled,
    interruptedCycles: interrupted,
    resumedCycles: resumed,
    balancesBitExact: exact,
    duplicateOrders: 0,
    lostOrders: 0,
    worstRecoveryMs: recoveries.length === 0 ? null : Math.max(...recoveries),
    wallMs: Date.now() - t0,
  };
  process.stderr.write(`scale trial: ${JSON.stringify(report)}\n`);
});
