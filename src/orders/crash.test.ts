/**
 * Crash safety against a real SQLite file: a child process writes intents through the protocol and is
 * killed with SIGKILL at random moments (during start-up and migrations, or mid-write); after each kill
 * the parent reopens the file and checks integrity, that every intent the child reported committed is
 * there exactly once, and that nothing is half-written (state = last event, event chains unbroken,
 * fills = totals, paper balances = initial + fills). Kills: BALLAST_JOURNAL_CRASH_KILLS (default 12,
 * at most 20); seed: BALLAST_JOURNAL_CRASH_SEED (printed, so a run can be replayed).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Journal } from '../store/journal.ts';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'testing', 'crash-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'ballast-journal-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KILLS = Math.min(20, Math.max(1, Number(process.env.BALLAST_JOURNAL_CRASH_KILLS ?? 12)));
const SEED = Number(process.env.BALLAST_JOURNAL_CRASH_SEED ?? Date.now() % 1_000_000);

function prng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  lines: string[];
  signal: string | null;
  code: number | null;
}

/**
 * Spawns the child and SIGKILLs it: `afterLines` > 0 → once it has reported that many steps after READY,
 * plus `delayMs` of jitter (a random point mid-protocol, whatever the machine's load); otherwise
 * `delayMs` after spawn (start-up, migrations, recovery).
 */
function runAndKill(path: string, run: number, seed: number, afterLines: number, delayMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, path, String(run), String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      timer = setTimeout(() => p.kill('SIGKILL'), delayMs);
    };
    if (afterLines <= 0) kill();
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (timer === undefined && afterLines > 0) {
        const ready = out.indexOf('READY\n');
        if (ready >= 0 && out.slice(ready + 6).split('\n').length - 1 >= afterLines) kill();
      }
    });
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const guard = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (timer !== undefined) clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (code ${code}): ${err.slice(0, 2000)}`));
      else resolve({ lines: out.split('\n').filter((l) => l !== ''), signal, code });
    });
  });
}

function verify(path: string, reported: Map<string, Set<string>>): { intents: number; fills: number } {
  const j = Journal.open(path, { journalId: 'crash' });
  try {
    assert.deepEqual(j.check(), [], 'integrity_check and foreign_key_check');
    const db = j.db;
    // Every reported intent is there exactly once, at least as far as the child said it got.
    for (const [cid, steps] of reported) {
      const rows = db.prepare('SELECT state FROM order_intents WHERE client_order_id = ?').all(cid) as {
        state: string;
      }[];
      assert.equal(rows.length, 1, `intent ${cid} reported committed is in the journal exactly once`);
      const st = rows[0].state;
      if (steps.has('S')) assert.notEqual(st, 'committed', `${cid} was reported sent`);
      if (steps.has('F')) assert.equal(st, 'filled', `${cid} was reported filled`);
      if (steps.has('U')) assert.ok(st === 'unknown' || st === 'not_placed', `${cid} was reported unknown, is ${st}`);
    }
    const dup = db
      .prepare(
        'SELECT portfolio_id, cycle, leg, child, COUNT(*) AS n FROM order_intents GROUP BY 1, 2, 3, 4 HAVING n > 1',
      )
      .all();
    assert.deepEqual(dup, [], 'no intent twice');
    // Nothing half-written: each intent's state is its last event, the event chain is unbroken from 'committed'.
    const intents = db.prepare('SELECT id, client_order_id, state, filled_quantity FROM order_intents').all() as {
      id: number;
      client_order_id: string;
      state: string;
      filled_quantity: number;
    }[];
    const evStmt = db.prepare('SELECT from_state, to_state FROM order_events WHERE intent_id = ? ORDER BY id');
    const fillStmt = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(quantity), 0) AS q FROM fills WHERE intent_id = ?');
    for (const i of intents) {
      const ev = evStmt.all(i.id) as { from_state: string | null; to_state: string }[];
      assert.ok(
        ev.length > 0 && ev[0].from_state === null && ev[0].to_state === 'committed',
        `${i.client_order_id}: starts with its commit event`,
      );
      for (let k = 1; k < ev.length; k++)
        assert.equal(ev[k].from_state, ev[k - 1].to_state, `${i.client_order_id}: event chain`);
      assert.equal(ev[ev.length - 1].to_state, i.state, `${i.client_order_id}: state = last event`);
      const f = fillStmt.get(i.id) as { n: number; q: number };
      assert.equal(f.q, i.filled_quantity, `${i.client_order_id}: filled quantity = its fills`);
      assert.equal(i.state === 'filled', f.n === 1, `${i.client_order_id}: filled ⇔ its fill is recorded`);
    }
    // Fills and paper balances were written in one transaction: balances = initial + Σ fills, exactly.
    const accounts = db.prepare('SELECT DISTINCT account FROM paper_balances').all() as { account: string }[];
    for (const { account } of accounts) {
      const pid = account.slice('paper:'.length);
      let btc = 0;
      let usdt = 1e9;
      for (const f of j.orders.portfolioFills(pid)) {
        btc += f.quantity;
        usdt += -(f.quantity * f.price + f.fee);
      }
      assert.deepEqual(
        j.paperAccounts.get(account),
        { BTC: btc, USDT: usdt },
        `${account}: balances = initial + fills`,
      );
    }
    const fills = (db.prepare('SELECT COUNT(*) AS n FROM fills').get() as { n: number }).n;
    return { intents: intents.length, fills };
  } finally {
    j.close();
  }
}

test(`crash safety: ${KILLS} SIGKILLs of a writing child at random moments (seed ${SEED})`, async () => {
  const path = join(dir, 'crash.db');
  const rand = prng(SEED);
  const reported = new Map<string, Set<string>>();
  let midWrite = 0;
  const t0 = Date.now();
  for (let k = 0; k < KILLS; k++) {
    // Every fourth kill lands anywhere from spawn (start-up, migrations, recovery); the others mid-write,
    // after 1–60 reported steps plus 0–3 ms of jitter.
    const fromSpawn = k % 4 === 1;
    const afterLines = fromSpawn ? 0 : 1 + Math.floor(rand() * 60);
    const delay = fromSpawn ? Math.floor(rand() * 900) : Math.floor(rand() * 4);
    const r = await runAndKill(path, k, Math.floor(rand() * 2 ** 31), afterLines, delay);
    for (const line of r.lines) {
      const [step, cid] = line.split(' ');
      if (cid === undefined) continue;
      if (!reported.has(cid)) reported.set(cid, new Set());
      reported.get(cid)?.add(step);
    }
    if (r.lines.includes('READY')) midWrite += 1;
    verify(path, reported);
  }
  const totals = verify(path, reported);
  console.log(
    `# crash trials (seed ${SEED}): ${KILLS} SIGKILLs (${midWrite} after start-up), ${reported.size} intents reported committed, ` +
      `${totals.intents} in the journal, ${totals.fills} fills, all checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  assert.ok(reported.size > 0, 'the children committed something');
});
