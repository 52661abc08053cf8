/**
 * Issue #15 item 1: long-lived paper trading on a moving market, with the whole service. `ballast sim`
 * (a real process) walks its prices; `ballast serve --config` paper-trades a portfolio on its public
 * tickers; a kill -9 in the middle and a restart lose nothing and repeat nothing.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  runCli,
  type ServeProcess,
  startServe,
  trialPortfolioDoc,
  writeServiceFile,
} from '../support/serve-process.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSX = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'ballast-paper-'));
let sim: ChildProcess | undefined;
const serves: ServeProcess[] = [];

after(async () => {
  for (const s of serves) await s.stop('SIGKILL').catch(() => undefined);
  sim?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function startSim(): Promise<string> {
  sim = spawn(
    process.execPath,
    ['--import', TSX, join(ROOT, 'src/cli/main.ts'), 'sim', '--walk-bps', '40', '--walk-every', '0.2', '--seed', '3'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const line = await createInterface({ input: sim.stdout! })[Symbol.asyncIterator]().next();
  return (JSON.parse(line.value as string) as { url: string }).url;
}

async function ticker(url: string): Promise<string> {
  const r = await fetch(`${url}/api/v3/ticker/price?symbol=BTCUSDT`);
  return ((await r.json()) as { price: string }).price;
}

type Cycle = { cycle: number; decision: string; reason: string };
async function waitFor(s: ServeProcess, ok: (c: Cycle[]) => boolean, ms = 20_000): Promise<Cycle[]> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await s.request('GET', '/portfolios/p1/cycles');
    if (r.status === 200 && ok(r.body as Cycle[])) return r.body as Cycle[];
    if (Date.now() > end) throw new Error(`timed out; cycles: ${JSON.stringify(r.body).slice(0, 600)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

test('bad sim flags are one line and exit 2', async () => {
  const r = await runCli(['sim', '--walk-bps', 'fast'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr.trim(), /^ballast: --walk-bps must be a number/);
});

test('a paper venue without a price feed is refused with the field named', async () => {
  const file = writeServiceFile(
    dir,
    {
      journal: join(dir, 'nofeed.sqlite'),
      portfolios: [{ id: 'p1', portfolio: { quote: 'USDT', target: { BTC: 0.5, USDT: 0.5 } } }],
    },
    'nofeed.json',
  );
  const r = await runCli(['serve', '--config', file], dir, { BALLAST_API_TOKEN: 'x'.repeat(32) });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /portfolios\.p1\.venue\.prices/);
  assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
});

test('paper trading on the simulator’s moving market survives a kill -9 and a restart', async () => {
  const url = await startSim();
  const p0 = await ticker(url);
  await new Promise((r) => setTimeout(r, 700));
  assert.notEqual(await ticker(url), p0, 'the market moves');
  const journal = join(dir, 'paper.sqlite');
  const file = writeServiceFile(dir, {
    journal,
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
  const first = await startServe(file, dir);
  serves.push(first);
  await waitFor(first, (cs) => cs.some((c) => c.decision === 'rebalanced'));
  await first.stop('SIGKILL');
  const second = await startServe(file, dir); // the writer lock died with the first
  serves.push(second);
  const before = (await second.request('GET', '/portfolios/p1/cycles')).body as Cycle[];
  const last = Math.max(...before.map((c) => c.cycle));
  await waitFor(second, (cs) => cs.filter((c) => c.cycle > last).length >= 3);
  const view = (await second.request('GET', '/portfolios/p1')).body;
  assert.ok(view.value > 9_000 && view.value < 11_000, `paper value ${view.value}`);
  await second.stop();
  const db = new Database(journal, { readonly: true });
  try {
    const open = db
      .prepare("SELECT count(*) AS n FROM order_intents WHERE state IN ('committed','sent','unknown')")
      .get() as { n: number };
    assert.equal(open.n, 0, 'every intent resolved');
    const filled = db.prepare("SELECT count(*) AS n FROM order_intents WHERE state = 'filled'").get() as { n: number };
    assert.ok(filled.n >= 2, 'the paper account traded');
    const neg = db.prepare('SELECT count(*) AS n FROM paper_balances WHERE quantity < 0').get() as { n: number };
    assert.equal(neg.n, 0);
    assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
  } finally {
    db.close();
  }
});
