/**
 * Issue #28, operations across worker processes (real PostgreSQL, real `ballast serve --workers` and
 * `ballast worker` processes, the simulator's moving market):
 * - `/metrics` of `serve --workers` lists every worker with a `worker` label, with counts equal to the jobs
 *   each worker process says it ran; a worker killed with -9 and started again counts one kill;
 * - `GET /portfolios` (what the dashboard lists) shows every portfolio's value and weights from the last
 *   cycle a worker ran, though `serve` ran none;
 * - the kill switch counts consecutive failures across workers: two failed cycles in one worker process and
 *   one in another pause the portfolio at `killSwitchAfter: 3`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { CycleQueue } from '../../src/store/postgres/cycle-queue.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/index.ts';
import { chromiumSkip, launchChromium, watchedPage } from '../support/chromium.ts';
import { freshDatabase, pgSkip } from '../support/postgres.ts';
import {
  API_TOKEN,
  type ServeProcess,
  startServe,
  trialPortfolioDoc,
  writeServiceFile,
} from '../support/serve-process.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'ballast-pg-fleet-'));
const procs = new Set<ChildProcess>();
const serves: ServeProcess[] = [];
const browsers: (() => Promise<void>)[] = [];

after(async () => {
  for (const close of browsers) await close().catch(() => undefined);
  for (const s of serves) await s.stop('SIGKILL').catch(() => undefined);
  for (const p of procs) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new TypeError(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

interface WorkerProcess {
  readonly proc: ChildProcess;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

function startWorkerProcess(file: string, db: string, name: string): WorkerProcess {
  const proc = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'worker', '--config', file, '--store', db, '--name', name],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  procs.add(proc);
  let err = '';
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
  void exited.then(() => procs.delete(proc));
  return { proc, stderr: () => err, exited };
}

/** SIGTERM, then the job count the worker printed on its way out. */
async function stopWorker(w: WorkerProcess): Promise<number> {
  w.proc.kill('SIGTERM');
  const code = await w.exited;
  assert.equal(code, 0, w.stderr());
  const m = /stopped after (\d+) job\(s\)/.exec(w.stderr());
  assert.ok(m, w.stderr());
  return Number(m[1]);
}

let simUrl: Promise<string> | undefined;
function sim(): Promise<string> {
  simUrl ??= (async () => {
    const p = spawn(
      process.execPath,
      ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'sim', '--walk-bps', '40', '--walk-every', '0.2', '--seed', '7'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    procs.add(p);
    const line = await createInterface({ input: p.stdout! })[Symbol.asyncIterator]().next();
    return (JSON.parse(line.value as string) as { url: string }).url;
  })();
  return simUrl;
}

const metric = (text: string, line: string): number => {
  const esc = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^${esc} (\\S+)$`, 'm').exec(text);
  assert.ok(m, `no ${line} in /metrics`);
  return Number(m[1]);
};

async function openDashboard(url: string, portfolio: string) {
  const browser = await launchChromium();
  browsers.push(() => browser.close());
  const { page, problems } = await watchedPage(browser, { viewport: { width: 1400, height: 1200 } });
  await page.goto(`${url}/?token=${API_TOKEN}&portfolio=${portfolio}`);
  await page.waitForSelector('body[data-loaded]');
  await page.waitForSelector('#live.on');
  return { page, problems, close: () => browser.close() };
}

async function count(store: PostgresStore, sql: string, ...args: unknown[]): Promise<number> {
  return Number((await store.sql.get<{ n: number }>(sql, ...args))?.n ?? 0);
}

test('serve --workers: /metrics per worker from the database, counts = the jobs each worker process ran; a kill -9 counted; /portfolios shows the workers’ last cycles', {
  skip: pgSkip,
  timeout: 300_000,
}, async () => {
  const url = await sim();
  const db = await freshDatabase();
  const ids = ['p1', 'p2', 'p3', 'p4'];
  const file = writeServiceFile(
    dir,
    {
      journal: join(dir, 'never-created.sqlite'),
      api: { host: '127.0.0.1', port: 0 },
      portfolios: ids.map((id) => ({
        id,
        portfolio: trialPortfolioDoc(0.005),
        venue: { type: 'paper', initial: { USDT: 10_000 }, prices: { type: 'ccxt', exchange: 'binance', url } },
        schedule: { every: '1s' },
        mode: 'live',
      })),
    },
    'fleet.json',
  );
  const serve = await startServe(file, dir, 90_000, ['--store', db, '--workers']);
  serves.push(serve);
  const store = await openPostgresStore(db, { poolSize: 2 });
  try {
    const a = startWorkerProcess(file, db, 'wA');
    const b = startWorkerProcess(file, db, 'wB');
    const perWorker = async (w: string) => count(store, 'SELECT COUNT(*) AS n FROM cycle_jobs WHERE worker = ?', w);
    await until('both workers running jobs', async () => (await perWorker('wA')) >= 3 && (await perWorker('wB')) >= 3);
    await until('a cycle of every portfolio', async () =>
      (await count(store, 'SELECT COUNT(DISTINCT portfolio_id) AS n FROM cycle_jobs')) === ids.length
        ? true
        : undefined,
    );

    // The dashboard's list: every portfolio's live value and weights, from cycles only the workers ran.
    const list = (await serve.request('GET', '/portfolios')).body as {
      id: string;
      value: number | null;
      weights: Record<string, number>;
      lastCycleAt: number | null;
    }[];
    assert.deepEqual(
      list.map((p) => p.id),
      ids,
    );
    for (const p of list) {
      assert.ok(p.value !== null && p.value > 9_000, `${p.id}: value ${p.value}`);
      const sum = Object.values(p.weights).reduce((x, y) => x + y, 0);
      assert.ok(Math.abs(sum - 1) < 1e-9, `${p.id}: weights ${JSON.stringify(p.weights)}`);
      assert.ok(p.lastCycleAt !== null);
    }
    const snap = await store.cycles.snapshot('p1');
    const one = (await serve.request('GET', '/portfolios/p1')).body as { value: number; weights: object };
    const later = await store.cycles.snapshot('p1');
    // The view is the stored snapshot of the last cycle (read between two reads of it: the cycles go on).
    assert.ok([snap?.value, later?.value].includes(one.value), `${one.value} vs ${snap?.value}/${later?.value}`);
    assert.equal(await count(store, "SELECT COUNT(*) AS n FROM cycle_jobs WHERE worker NOT IN ('wA','wB')"), 0);

    // The dashboard in headless Chromium: the workers' cycles arrive live (SSE from the database's
    // announcements); once the workers stop, the page shows the value of the last cycle a worker ran.
    const page = chromiumSkip === false ? await openDashboard(serve.url, 'p2') : null;
    if (page !== null) {
      const first = await page.page.getAttribute('body', 'data-loaded');
      await page.page.waitForSelector(`body:not([data-loaded="${first}"])`, { timeout: 60_000 });
      assert.deepEqual(
        await page.page.$$eval('#portfolio option', (os) => os.map((o) => o.getAttribute('value'))),
        ids,
      );
    }
    const ranA = await stopWorker(a);
    const ranB = await stopWorker(b);
    if (page !== null) {
      const last = await store.cycles.snapshot('p2');
      assert.ok(last !== undefined);
      await until(
        'the page shows the last cycle’s value',
        async () => ((await page.page.getAttribute('#value', 'data-value')) === String(last.value) ? true : undefined),
        30_000,
      );
      assert.equal(((await serve.request('GET', '/portfolios/p2')).body as { value: number }).value, last.value);
      assert.deepEqual(page.problems, [], 'no page errors');
      await page.close();
    }
    const m = (await serve.request('GET', '/metrics')).body as string;
    for (const [w, ran] of [
      ['wA', ranA],
      ['wB', ranB],
    ] as const) {
      assert.ok(ran >= 3, `${w} ran ${ran}`);
      assert.equal(metric(m, `ballast_worker_cycle_duration_seconds_count{worker="${w}"}`), ran, w);
      assert.equal(metric(m, `ballast_worker_cycle_duration_seconds_bucket{worker="${w}",le="+Inf"}`), ran, w);
      const byDecision = [
        ...m.matchAll(new RegExp(`^ballast_worker_cycles_total\\{worker="${w}",decision="[^"]+"\\} (\\d+)$`, 'gm')),
      ];
      assert.equal(
        byDecision.reduce((s, x) => s + Number(x[1]), 0),
        ran,
        `${w}: ${byDecision.map((x) => x[0]).join('; ')}`,
      );
      assert.equal(metric(m, `ballast_worker_starts_total{worker="${w}"}`), 1);
      assert.equal(metric(m, `ballast_worker_kills_total{worker="${w}"}`), 0);
      assert.equal(metric(m, `ballast_worker_jobs_failed_total{worker="${w}"}`), 0);
    }
    // Every order sent is in exactly one worker's count.
    const sent =
      metric(m, 'ballast_worker_orders_sent_total{worker="wA"}') +
      metric(m, 'ballast_worker_orders_sent_total{worker="wB"}');
    assert.equal(sent, await count(store, 'SELECT COUNT(*) AS n FROM order_intents'));
    assert.ok(sent >= 2, 'the portfolios traded');

    // wB killed with -9 after it started, then started again and stopped cleanly: one kill, three starts.
    const starts = async () => count(store, "SELECT starts AS n FROM workers WHERE name = 'wB'");
    const b2 = startWorkerProcess(file, db, 'wB');
    await until('wB registered again', async () => (await starts()) === 2);
    b2.proc.kill('SIGKILL');
    await b2.exited;
    const b3 = startWorkerProcess(file, db, 'wB');
    await until('wB registered a third time', async () => (await starts()) === 3);
    await stopWorker(b3);
    const m2 = (await serve.request('GET', '/metrics')).body as string;
    assert.equal(metric(m2, 'ballast_worker_kills_total{worker="wB"}'), 1);
    assert.equal(metric(m2, 'ballast_worker_starts_total{worker="wB"}'), 3);
    assert.equal(metric(m2, 'ballast_worker_kills_total{worker="wA"}'), 0);
    assert.equal(
      metric(m2, 'ballast_worker_cycle_duration_seconds_count{worker="wB"}'),
      await count(store, "SELECT COUNT(*) AS n FROM cycle_jobs WHERE worker = 'wB'"),
    );
  } finally {
    await store.close();
    await serve.stop();
  }
});

test('the kill switch counts failures across worker processes: 2 in one, 1 in another pause the portfolio at 3', {
  skip: pgSkip,
  timeout: 180_000,
}, async () => {
  const db = await freshDatabase();
  const file = writeServiceFile(
    dir,
    {
      journal: join(dir, 'never-created-ks.sqlite'),
      portfolios: [
        {
          id: 'down',
          portfolio: trialPortfolioDoc(0.005),
          // Nothing listens there: every cycle fails reading prices.
          venue: {
            type: 'paper',
            initial: { USDT: 10_000 },
            prices: { type: 'ccxt', exchange: 'binance', url: 'http://127.0.0.1:9' },
          },
          mode: 'live',
          risk: { cooldown: 0, killSwitchAfter: 3 },
        },
      ],
    },
    'kill-switch.json',
  );
  const store = await openPostgresStore(db, { poolSize: 2 });
  const queue = await CycleQueue.open(db, store, { deadlineMs: 60_000 });
  try {
    const jobs = async () => count(store, "SELECT COUNT(*) AS n FROM cycle_jobs WHERE decision = 'failed'");
    const a = startWorkerProcess(file, db, 'wA');
    await until('wA registered', async () => (await count(store, 'SELECT COUNT(*) AS n FROM workers')) === 1);
    await queue.enqueue(['down']);
    await queue.enqueue(['down']);
    await until('two failed cycles in wA', async () => (await jobs()) === 2);
    await stopWorker(a);
    assert.equal(await store.meta.get('paused:down'), undefined, 'not paused after 2 failures');
    assert.equal(await store.portfolios.failures('down'), 2);

    const b = startWorkerProcess(file, db, 'wB');
    await queue.enqueue(['down']);
    await until('a third failed cycle, in wB', async () => (await jobs()) === 3);
    await stopWorker(b);
    assert.deepEqual(
      (await store.sql.all<{ worker: string }>('SELECT worker FROM cycle_jobs ORDER BY bar')).map((r) => r.worker),
      ['wA', 'wA', 'wB'],
    );
    assert.match((await store.meta.get('paused:down')) ?? '', /^kill switch: 3 consecutive failures/);
    assert.equal(
      await count(store, "SELECT COUNT(*) AS n FROM alerts WHERE kind = 'kill_switch' AND portfolio_id = 'down'"),
      1,
    );
  } finally {
    await queue.stop();
    await store.close();
  }
});
