/**
 * One writer per journal, through the real `ballast serve --config` process against the local exchange
 * simulator: a second service on the same journal exits 1 with one line naming the journal and the holder,
 * and sends nothing; a kill -9 of the first frees the journal at once; a read-only open works beside the
 * service; a journal with a corrupt page is refused at start with one line and left byte for byte unchanged.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { parseClientOrderId } from '../../src/orders/index.ts';
import { TRIAL_PRICES, trialSimOptions, writeKeyFile } from '../../src/service/trials/setup.ts';
import { Journal } from '../../src/store/index.ts';
import { type SimHandle, start } from '../../src/venues/simulator/server.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;
const API_TOKEN = 'single-writer-token-0123456789abcdef';

interface ServeProcess {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly exited: Promise<unknown>;
  stderr(): string;
}

const dir = mkdtempSync(join(tmpdir(), 'ballast-single-writer-'));
let sim: SimHandle;
const running: ServeProcess[] = [];
before(async () => {
  sim = await start(trialSimOptions());
});
after(async () => {
  for (const s of running) if (s.proc.exitCode === null && s.proc.signalCode === null) s.proc.kill('SIGKILL');
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A live portfolio on the simulator, a cycle every second (the first one trades), the API on a free port. */
function serviceFile(journal: string, name: string): string {
  const venue = { type: 'ccxt', exchange: 'binance', url: sim.url, keyFile: writeKeyFile(dir), timeoutMs: 1500 };
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      journal,
      portfolios: [
        {
          id: 'p1',
          portfolio: {
            quote: 'USDT',
            target: { BTC: 0.4, ETH: 0.3, USDT: 0.3 },
            trigger: { type: 'band', band: 0.02 },
            costs: { feeBps: 10 },
          },
          venue,
          reference: { type: 'ccxt', exchange: 'binance', url: sim.url },
          schedule: { every: '1s' },
          mode: 'live',
          guards: { maxPriceAgeSeconds: 3600, maxDeviationBps: 100, maxSlippageBps: 50 },
          risk: { cooldown: 0, killSwitchAfter: 1000 },
        },
      ],
      api: { port: 0 },
    }),
  );
  return path;
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Order intents in the journal, read beside the running service (a read-only open). */
function journaledIntents(journal: string): string[] {
  const j = Journal.openReadOnly(journal);
  try {
    const rows = j.db.prepare('SELECT client_order_id AS cid FROM order_intents ORDER BY 1').all() as { cid: string }[];
    return rows.map((r) => r.cid);
  } finally {
    j.close();
  }
}

/** A CLI run that must exit on its own: killed (and failing the test with code -1) after `ms`. */
function cliMustExit(args: string[], ms = 20_000): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const p = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, ...args], {
    cwd: dir,
    env: { ...process.env, BALLAST_API_TOKEN: API_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  p.stderr.on('data', (d) => (stderr += d));
  p.stdout.on('data', (d) => (stdout += d));
  const timer = setTimeout(() => p.kill('SIGKILL'), ms);
  return new Promise((resolve) =>
    p.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? -1 : null), stderr, stdout });
    }),
  );
}

/** `ballast serve --config` from source; resolves once its API listens, rejects if it exits first. */
async function serve(config: string): Promise<ServeProcess> {
  const proc = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), MAIN, 'serve', '--config', config], {
    cwd: dir,
    env: { ...process.env, BALLAST_API_TOKEN: API_TOKEN },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise((r) => proc.on('exit', r));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stderr.on('data', (d) => {
      err += d;
      const m = /api listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${err}`)));
  });
  const s = { proc, url, exited, stderr: () => err };
  running.push(s);
  return s;
}

test('two services on one journal: the second exits 1 with one line, nothing traded twice; kill -9 frees it', async () => {
  const journal = join(dir, 'shared.sqlite');
  const config = serviceFile(journal, 'shared.json');
  const first = await serve(config);
  await until('the first cycle to trade', () => sim.state().creates.length > 0);
  await new Promise((r) => setTimeout(r, 1500)); // a few more cycles: rebalanced, nothing more to send
  const sentBefore = sim.state().creates.length;

  // BTC up 15 %: the next cycle of any service on this journal would trade; only the lock holder's may.
  sim.setPrice('BTC/USDT', TRIAL_PRICES.BTC * 1.15);
  const second = await cliMustExit(['serve', '--config', config], 15_000);
  assert.equal(second.code, 1, second.stderr);
  const lines = second.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${second.stderr}`);
  assert.ok(lines[0]!.startsWith(`journal ${journal}: pid ${first.proc.pid} on host ${hostname()} holds it`), lines[0]);

  // deposit/withdraw write the journal: refused while the service holds it, pointing at its API
  const flow = ['deposit', '--journal', journal, '--portfolio', 'p1', '--asset', 'USDT', '--quantity', '5'];
  const dep = await cliMustExit(flow);
  assert.equal(dep.code, 1, dep.stderr);
  assert.equal(
    dep.stderr,
    `journal ${journal}: a running service holds it (pid ${first.proc.pid} on host ${hostname()}); record the deposit through its API instead: POST /portfolios/p1/deposits\n`,
  );

  // (d) a read-only open works while the service holds the lock, and so does the service's API
  const status = await cliMustExit(['status', '--journal', journal, '--json']);
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { portfolios: { id: string; paused: unknown; orders: object }[] };
  assert.equal(report.portfolios.length, 1);
  assert.equal(report.portfolios[0]!.id, 'p1');
  assert.equal(report.portfolios[0]!.paused, null);
  assert.ok(Object.keys(report.portfolios[0]!.orders).length > 0, status.stdout);
  const text = await cliMustExit(['status', '--journal', journal]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^p1: running\n {2}last cycle: #\d+ at /m);
  const unknown = await cliMustExit(['status', '--journal', journal, '--portfolio', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^ballast: --portfolio: no portfolio "nope" in journal .*; known: p1\n$/);
  const missing = join(dir, 'missing.sqlite');
  const none = await cliMustExit(['status', '--journal', missing]);
  assert.equal(none.code, 1);
  assert.equal(none.stderr.trimEnd().split('\n').length, 1, none.stderr);
  assert.ok(!existsSync(missing), 'status never creates a journal');
  const view = await fetch(`${first.url}/portfolios/p1`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
  assert.equal(view.status, 200);
  await until('the holder to trade the price move', () => sim.state().creates.length > sentBefore);
  await new Promise((r) => setTimeout(r, 1500));
  const creates = sim.state().creates.map((c) => c.clientOrderId);
  const cyclesAfterMove = new Set(creates.slice(sentBefore).map((c) => parseClientOrderId(c ?? '')?.cycle));
  assert.equal(cyclesAfterMove.size, 1, `the move was traded once, by one cycle: ${[...cyclesAfterMove]}`);
  assert.equal(new Set(creates).size, creates.length, 'no client order id sent twice');
  assert.deepEqual(journaledIntents(journal), [...creates].sort(), 'every order sent is journaled once');

  first.proc.kill('SIGKILL');
  await first.exited;
  const t0 = Date.now();
  const third = await serve(config);
  const startMs = Date.now() - t0;
  assert.ok(!third.stderr().includes('holds it'), third.stderr());
  await new Promise((r) => setTimeout(r, 1500));
  const after = sim.state().creates.map((c) => c.clientOrderId);
  assert.equal(new Set(after).size, after.length, 'no client order id sent twice after the restart');
  third.proc.kill('SIGTERM');
  await third.exited;
  process.stdout.write(`# new serve listening ${startMs} ms after the holder's kill -9\n`);
});

/** Overwrites the page in the middle of the file (page size 4096, far past page 1) with garbage. */
function corruptMiddlePage(path: string): number {
  const pageSize = 4096;
  const pages = statSync(path).size / pageSize;
  const page = Math.floor(pages / 2);
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, page * pageSize);
  closeSync(fd);
  return page + 1;
}

function quickCheck(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return String(db.pragma('quick_check', { simple: true }));
  } finally {
    db.close();
  }
}

test('a journal with a corrupt page: serve exits 1 with one line, the file unchanged', async () => {
  const journal = join(dir, 'corrupt.sqlite');
  const j = Journal.open(journal, { writer: true });
  j.portfolios.upsert({ id: 'p1', config: { target: { BTC: 1 } }, at: 1 });
  for (let i = 0; i < 200; i++)
    j.prices.record(
      'USDT',
      Array.from({ length: 50 }, (_, k) => ({ asset: `A${k}`, price: TRIAL_PRICES.BTC + i, time: i, source: 'test' })),
    );
  j.checkpoint();
  j.close();
  assert.ok(statSync(journal).size >= 150 * 4096, 'enough data pages that the middle one is past every root page');
  assert.equal(quickCheck(journal), 'ok');
  corruptMiddlePage(journal);
  const problem = quickCheck(journal);
  assert.notEqual(problem, 'ok', 'the corruption is one quick_check sees');
  const digest = () => createHash('sha256').update(readFileSync(journal)).digest('hex');
  const before = digest();

  const r = await cliMustExit(['serve', '--config', serviceFile(journal, 'corrupt.json')]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(
    lines[0]!,
    new RegExp(
      `^journal ${journal}: integrity check failed \\(.+\\); the file was not changed\\. Restore from a backup \\(Journal\\.backup\\) or start a new journal\\.$`,
    ),
  );
  const first = problem.split('\n').find((l) => l.length > 0 && !l.startsWith('*** in database'))!;
  assert.ok(lines[0]!.includes(`(${first.trim()})`), `names quick_check's first problem (${first}): ${lines[0]}`);
  assert.equal(digest(), before, 'the file was not changed');
});
