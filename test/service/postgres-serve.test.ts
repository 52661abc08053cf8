/**
 * Issue #28 item 1: `ballast serve --store postgres://…` runs the whole service on PostgreSQL (a real
 * server, a real process, the simulator's moving market); a kill -9 and a restart lose nothing and repeat
 * nothing. A bad or unreachable URL is one line, exit 1, and never shows the password.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import pg from 'pg';
import { freshDatabase, pgSkip } from '../support/postgres.ts';
import {
  runCli,
  type ServeProcess,
  startServe,
  trialPortfolioDoc,
  writeServiceFile,
} from '../support/serve-process.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'ballast-pg-serve-'));
let sim: ChildProcess | undefined;
const serves: ServeProcess[] = [];

after(async () => {
  for (const s of serves) await s.stop('SIGKILL').catch(() => undefined);
  sim?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const minimal = () =>
  writeServiceFile(
    dir,
    {
      journal: join(dir, 'unused.sqlite'),
      portfolios: [
        {
          id: 'p1',
          portfolio: { quote: 'USDT', target: { BTC: 0.5, USDT: 0.5 } },
          venue: {
            type: 'paper',
            initial: { USDT: 1000 },
            prices: { type: 'ccxt', exchange: 'binance', url: 'http://127.0.0.1:9' },
          },
        },
      ],
    },
    'minimal.json',
  );

test('serve --store / worker: a malformed or unreachable PostgreSQL URL is one line, exit 1, password never shown; usage errors exit 2', async () => {
  const file = minimal();
  const env = { BALLAST_API_TOKEN: 'x'.repeat(32) };
  const bad = await runCli(['serve', '--config', file, '--store', 'postgres://ops:hunter2@/ballast'], dir, env);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stderr, /--store: postgres:\/\/ops:\*\*\*@\/ballast is not a valid URL/);
  const down = await runCli(
    ['serve', '--config', file, '--store', 'postgres://ops:hunter2@127.0.0.1:1/ballast'],
    dir,
    env,
  );
  assert.equal(down.code, 1, down.stderr);
  assert.match(down.stderr, /cannot connect/);
  for (const r of [bad, down]) {
    assert.ok(!r.stderr.includes('hunter2'), r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const both = await runCli(['serve', '--config', file, '--store', 'x.sqlite', '--journal', 'y.sqlite'], dir, env);
  assert.equal(both.code, 2, both.stderr);
  const noQueue = await runCli(['serve', '--config', file, '--workers'], dir, env);
  assert.equal(noQueue.code, 2, noQueue.stderr);
  assert.match(noQueue.stderr, /--workers needs --store postgres/);
  const noStore = await runCli(['worker', '--config', file, '--store', 'x.sqlite'], dir, env);
  assert.equal(noStore.code, 2, noStore.stderr);
  assert.match(noStore.stderr, /worker needs --store postgres/);
});

let simUrl: Promise<string>;
function startSim(): Promise<string> {
  simUrl = startSimOnce();
  return simUrl;
}
async function startSimOnce(): Promise<string> {
  sim = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'sim', '--walk-bps', '40', '--walk-every', '0.2', '--seed', '5'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const line = await createInterface({ input: sim.stdout! })[Symbol.asyncIterator]().next();
  return (JSON.parse(line.value as string) as { url: string }).url;
}

type Cycle = { cycle: number; decision: string };
async function waitFor(s: ServeProcess, ok: (c: Cycle[]) => boolean, ms = 30_000): Promise<Cycle[]> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await s.request('GET', '/portfolios/p1/cycles');
    if (r.status === 200 && ok(r.body as Cycle[])) return r.body as Cycle[];
    if (Date.now() > end) throw new Error(`timed out; cycles: ${JSON.stringify(r.body).slice(0, 600)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

test('serve --store postgres://: paper trading survives a kill -9 and a restart', { skip: pgSkip }, async () => {
  const url = await startSim();
  const db = await freshDatabase();
  const file = writeServiceFile(dir, {
    journal: join(dir, 'never-created.sqlite'),
    api: { host: '127.0.0.1', port: 0 },
    portfolios: [
      {
        id: 'p1',
        portfolio: trialPortfolioDoc(0.005),
        venue: { type: 'paper', initial: { USDT: 10_000 }, prices: { type: 'ccxt', exchange: 'binance', url } },
        schedule: { every: '1s' },
        mode: 'live',
      },
    ],
  });
  const first = await startServe(file, dir, 60_000, ['--store', db]);
  serves.push(first);
  assert.match(first.stderr(), /journal postgres:\/\/postgres@127\.0\.0\.1:\d+\/t_\w+: reconciled/);
  await waitFor(first, (cs) => cs.some((c) => c.decision === 'rebalanced'));
  await first.stop('SIGKILL');
  const second = await startServe(file, dir, 60_000, ['--store', db]);
  serves.push(second);
  const before = (await second.request('GET', '/portfolios/p1/cycles')).body as Cycle[];
  const last = Math.max(...before.map((c) => c.cycle));
  await waitFor(second, (cs) => cs.filter((c) => c.cycle > last).length >= 3);
  const status = (await second.request('GET', '/status')).body;
  assert.ok(JSON.stringify(status).includes('postgres://postgres@127.0.0.1'), JSON.stringify(status).slice(0, 300));
  await second.stop();
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    const q = async (sql: string) => Number((await c.query(sql)).rows[0].n);
    assert.equal(await q("SELECT count(*) AS n FROM order_intents WHERE state IN ('committed','sent','unknown')"), 0);
    assert.ok(
      (await q("SELECT count(*) AS n FROM order_intents WHERE state = 'filled'")) >= 2,
      'the paper account traded',
    );
    assert.equal(await q('SELECT count(*) AS n FROM paper_balances WHERE quantity < 0'), 0);
    assert.equal(
      await q('SELECT count(*) AS n FROM (SELECT venue, trade_id FROM fills GROUP BY 1, 2 HAVING count(*) > 1) d'),
      0,
      'every fill journaled once',
    );
  } finally {
    await c.end();
  }
});

test('serve --workers queues due cycles; a separate `ballast worker` process runs them', { skip: pgSkip }, async () => {
  const url = sim === undefined ? await startSim() : await simUrl;
  const db = await freshDatabase();
  const file = writeServiceFile(
    dir,
    {
      journal: join(dir, 'never-created-2.sqlite'),
      api: { host: '127.0.0.1', port: 0 },
      portfolios: [
        {
          id: 'p1',
          portfolio: trialPortfolioDoc(0.005),
          venue: { type: 'paper', initial: { USDT: 10_000 }, prices: { type: 'ccxt', exchange: 'binance', url } },
          schedule: { every: '1s' },
          mode: 'live',
        },
      ],
    },
    'workers.json',
  );
  const api = await startServe(file, dir, 60_000, ['--store', db, '--workers']);
  serves.push(api);
  const worker = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'worker', '--config', file, '--store', db, '--name', 'wA'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  worker.stderr!.resume();
  try {
    const cycles = await waitFor(api, (cs) => cs.length >= 2, 60_000);
    assert.ok(
      cycles.some((c) => c.decision === 'rebalanced'),
      JSON.stringify(cycles).slice(0, 300),
    );
  } finally {
    worker.kill('SIGTERM');
    await api.stop();
  }
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try {
    const rows = (await c.query('SELECT DISTINCT worker FROM cycle_jobs')).rows.map((r) => r.worker);
    assert.deepEqual(rows, ['wA'], 'the cycles were run by the worker, not by serve');
  } finally {
    await c.end();
  }
});
