/**
 * Disk full and write errors (issue #13 item 4): a journal write failure during a cycle pauses the
 * portfolio, alerts (log, metrics, webhook path) and keeps the API up; after a restart it is still paused,
 * no order is duplicated, and it trades again only once resumed (API or `ballast resume`).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { AlertSender, deliverAlerts } from '../../src/service/alerts.ts';
import { createApi } from '../../src/service/api/server.ts';
import type { AlertEvent } from '../../src/service/runner/types.ts';
import { Service } from '../../src/service/service.ts';
import { trialService, trialSimOptions, writeKeyFile } from '../../src/service/trials/setup.ts';
import { Journal, quickCheck } from '../../src/store/index.ts';
import { sqliteStore } from '../../src/store/ports.ts';
import { injectWriteFault } from '../../src/store/write-fault.ts';
import { start } from '../../src/venues/simulator/server.ts';
import {
  runCli,
  type ServeProcess,
  simPortfolioEntry,
  startServe,
  writeServiceFile,
} from '../support/serve-process.ts';

const TOKEN = 'disk-full-test-token-0123456789abcdef';

function noDuplicates(cids: (string | undefined)[]): void {
  assert.equal(new Set(cids).size, cids.length, `a client order id was sent twice: ${cids.join(', ')}`);
}

async function get(url: string, path: string): Promise<{ status: number; body: any }> {
  const r = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: r.status, body: await r.json().catch(() => null) };
}

/** A 2 MiB tmpfs in a new temporary folder, or the reason it cannot be had (not root, mount refused). */
function mountSmallTmpfs(prefix: string): { dir: string; mnt: string } | string {
  if (process.getuid?.() !== 0) return 'not root: cannot mount a tmpfs';
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { stdio: 'pipe' });
    return { dir, mnt };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `mount -t tmpfs failed: ${(e as Error).message.split('\n')[0]}`;
  }
}

/** Writes `path` until the file system has no byte left (halving the chunk on each refusal). */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (let n = chunk.length; n > 0; ) {
      try {
        writeSync(fd, chunk, 0, n);
      } catch {
        n = n >> 1;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function unmount(mnt: string, dir: string): void {
  try {
    execFileSync('umount', [mnt], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
  }
  rmSync(dir, { recursive: true, force: true });
}

test('injected SQLITE_FULL during a cycle: paused, alerted, API up; still paused after restart; resume trades', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-diskfull-'));
  const sim = await start(trialSimOptions());
  const journal = join(dir, 'journal.sqlite');
  const config = trialService({ journal, url: sim.url, keyFile: writeKeyFile(dir) });
  const boot = () => Service.start(config, { strictGuards: false });
  let svc = await boot();
  let api = await createApi(svc, { port: 0, token: TOKEN });
  try {
    const alerts: AlertEvent[] = [];
    svc.onAlert((e) => alerts.push(e));
    // The webhook: an alert the journal cannot record is POSTed directly.
    const hooked: any[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        hooked.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as AddressInfo).port;
    const stopHook = deliverAlerts(
      svc,
      new AlertSender({ journal: sqliteStore(svc.journal), webhook: `http://127.0.0.1:${port}/hook`, attempts: 1 }),
    );
    // Every write fails: the cycle's first write, the pause and the alert too (the sidecar keeps the pause).
    const disarm = injectWriteFault(svc.journal, { code: 'SQLITE_FULL', count: 1_000_000 });
    const ev = await svc.runCycle('p1');
    assert.equal(ev.decision, 'failed');
    assert.match(
      ev.reason,
      /^journal .*: write failed \(SQLITE_FULL: .*\); the portfolio is paused until the disk is fixed and it is resumed$/,
    );
    assert.equal(svc.runners.get('p1')!.paused, true);
    assert.equal(sim.createRequests().length, 0, 'nothing sent by the failed cycle');
    const critical = alerts.find((a) => a.level === 'critical' && a.kind === 'failure');
    assert.ok(critical, 'a critical alert was raised');
    assert.equal(critical.journaled, false, 'the journal could not record it: delivered directly');
    // The API still answers, and the metrics counted the alert.
    assert.equal((await get(api.url, '/health')).status, 200);
    const list = await get(api.url, '/portfolios');
    assert.equal(list.status, 200);
    const metrics = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } }).then((r) =>
      r.text(),
    );
    assert.match(metrics, /ballast_alerts_total\{[^}]*kind="failure"[^}]*\} 1/);
    // A route's own write on the full disk: 503 with a body that says what to do, nothing changed.
    const dep = await fetch(`${api.url}/portfolios/p1/deposits`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ asset: 'USDT', quantity: 1, externalId: 'full-disk' }),
    });
    assert.equal(dep.status, 503);
    assert.equal(((await dep.json()) as { error: string }).error, 'journal_write_failed');
    for (let i = 0; i < 500 && hooked.length === 0; i++) await new Promise((r) => setTimeout(r, 20)); // ≤ 10 s, loaded CI
    await stopHook();
    hook.close();
    assert.ok(
      hooked.some((h) => h.level === 'critical' && /SQLITE_FULL/.test(h.message)),
      JSON.stringify(hooked),
    );
    // A scheduled cycle that fails must not kill the process either.
    const again = await svc.runCycle('p1');
    assert.notEqual(again.decision, 'rebalanced');
    disarm();

    await api.close();
    await svc.stop();
    svc = await boot();
    api = await createApi(svc, { port: 0, token: TOKEN });
    assert.equal(svc.runners.get('p1')!.paused, true, 'still paused after the restart');
    assert.match(svc.runners.get('p1')!.pauseReason ?? '', /SQLITE_FULL/);
    const paused = await svc.runCycle('p1');
    assert.equal(sim.createRequests().length, 0, `paused: nothing sent (${paused.decision}: ${paused.reason})`);

    const res = await fetch(`${api.url}/portfolios/p1/resume`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    const traded = await svc.runCycle('p1');
    assert.equal(traded.ordersSent > 0, true, `${traded.decision}: ${traded.reason}`);
    noDuplicates(sim.createRequests().map((c) => c.clientOrderId));
  } finally {
    await api.close().catch(() => undefined);
    await svc.stop().catch(() => undefined);
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('disk full right after an order reaches the exchange: paused; restart reconciles it by lookup, never re-sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-diskfull-sent-'));
  const sim = await start(trialSimOptions());
  const journal = join(dir, 'journal.sqlite');
  const config = trialService({ journal, url: sim.url, keyFile: writeKeyFile(dir) });
  const boot = () => Service.start(config, { strictGuards: false });
  let svc = await boot();
  try {
    // The fault is armed by the exchange itself when the first create request arrives: the intent is
    // already committed and the order is placed, and every later write of the cycle (sent, ack, fill) fails.
    let disarm: (() => void) | null = null;
    const creates = sim.exchange.creates;
    const push = creates.push.bind(creates);
    creates.push = (...r) => {
      disarm ??= injectWriteFault(svc.journal, { code: 'SQLITE_FULL', count: 1_000_000 });
      return push(...r);
    };
    const ev = await svc.runCycle('p1');
    assert.equal(ev.decision, 'failed', ev.reason);
    assert.match(ev.reason, /SQLITE_FULL/);
    assert.equal(svc.runners.get('p1')!.paused, true);
    const placed = sim.createRequests().map((c) => c.clientOrderId);
    assert.equal(placed.length, 1, 'the cycle stopped at the first write after the send');
    const cid = placed[0]!;
    assert.equal(svc.journal.orders.get(cid).state, 'sent', 'the journal holds the send, not its outcome');
    (disarm as (() => void) | null)?.();
    creates.push = push;

    await svc.stop();
    svc = await boot();
    // Start-up reconciliation looked the order up by its client id and journaled its fill.
    const intent = svc.journal.orders.get(cid);
    assert.equal(intent.state, 'filled', `reconciled: ${intent.state}`);
    assert.ok(svc.journal.orders.fills(cid).length > 0, 'the fill is journaled');
    assert.equal(svc.runners.get('p1')!.paused, true, 'still paused after the restart');
    assert.equal((await svc.runCycle('p1')).ordersSent, 0, 'paused: nothing sent');
    await svc.resume('p1');
    await svc.runCycle('p1');
    const all = sim.createRequests().map((c) => c.clientOrderId);
    noDuplicates(all);
    assert.equal(all.filter((c) => c === cid).length, 1, 'the order placed before the failure was never re-sent');
    await svc.stop();
    const db = new Database(journal, { readonly: true });
    quickCheck(db, journal);
    db.close();
  } finally {
    await svc.stop().catch(() => undefined);
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('real full disk (2 MiB tmpfs): paused, API up; space freed, restart, quick_check ok, ballast resume, trades', async (t) => {
  const m = mountSmallTmpfs('ballast-tmpfs-');
  if (typeof m === 'string') return t.skip(m);
  const { dir, mnt } = m;
  const sim = await start(trialSimOptions());
  const journal = join(mnt, 'journal.sqlite');
  const keyFile = writeKeyFile(dir);
  const config = trialService({ journal, url: sim.url, keyFile });
  const boot = () => Service.start(config, { strictGuards: false });
  let svc: Service | null = await boot();
  const api = await createApi(svc, { port: 0, token: TOKEN });
  const filler = join(mnt, 'filler');
  try {
    // Fill the rest of the tmpfs; the WAL was truncated first, so the next commit needs new blocks.
    svc.journal.checkpoint();
    fillDisk(filler);
    const ev = await svc.runCycle('p1');
    assert.equal(ev.decision, 'failed', ev.reason);
    assert.match(ev.reason, /write failed \(SQLITE_FULL/);
    assert.equal(svc.runners.get('p1')!.paused, true);
    assert.equal(sim.createRequests().length, 0);
    assert.equal((await get(api.url, '/health')).status, 200);
    assert.equal((await get(api.url, '/portfolios')).status, 200);
    await api.close();
    await svc.stop().catch(() => undefined);
    svc = null;

    rmSync(filler);
    // quick_check of the file as it is now (the service's open runs it too).
    const db = new Database(journal);
    quickCheck(db, journal);
    db.close();
    svc = await boot();
    assert.equal(svc.runners.get('p1')!.paused, true, 'still paused after space is freed and the restart');
    await svc.runCycle('p1');
    assert.equal(sim.createRequests().length, 0, 'paused: nothing sent');
    const file = join(dir, 'service.json');
    writeFileSync(
      file,
      JSON.stringify({
        journal,
        portfolios: [simPortfolioEntry('p1', sim.url, keyFile, { reference: undefined, schedule: { every: '1h' } })],
        api: { port: 0 },
      }),
    );
    // While the service holds the journal, `ballast resume` points at its API.
    const held = await runCli(['resume', 'p1', '--config', file], dir);
    assert.equal(held.code, 1, held.stderr);
    assert.match(
      held.stderr,
      /a running service holds it .*; resume through its API instead: POST \/portfolios\/p1\/resume\n$/,
    );
    assert.equal(held.stderr.trim().split('\n').length, 1);
    await svc.stop();
    svc = null;

    const out = await runCli(['resume', 'p1', '--config', file], dir);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^portfolio p1: resumed \(was paused: journal .*SQLITE_FULL/);

    svc = await boot();
    assert.equal(svc.runners.get('p1')!.paused, false);
    const traded = await svc.runCycle('p1');
    assert.equal(traded.ordersSent > 0, true, `${traded.decision}: ${traded.reason}`);
    noDuplicates(sim.createRequests().map((c) => c.clientOrderId));
    const j = Journal.openReadOnly(journal);
    assert.deepEqual(j.check(), []);
    j.close();
  } finally {
    await api.close().catch(() => undefined);
    await svc?.stop().catch(() => undefined);
    await sim.stop();
    unmount(mnt, dir);
  }
});

test('real full disk through the real `ballast serve` and its API: paused, API up; kill -9, space freed, restart, still paused, resume trades', async (t) => {
  const m = mountSmallTmpfs('ballast-serve-full-');
  if (typeof m === 'string') return t.skip(m);
  const { dir, mnt } = m;
  const sim = await start(trialSimOptions());
  const keyFile = writeKeyFile(dir);
  const file = writeServiceFile(dir, {
    journal: join(mnt, 'journal.sqlite'),
    api: { host: '127.0.0.1', port: 0 },
    portfolios: [simPortfolioEntry('p1', sim.url, keyFile)],
  });
  const filler = join(mnt, 'filler');
  let serve: ServeProcess | null = null;
  const view = async () => (await serve!.request('GET', '/portfolios/p1')).body;
  const until = async (ok: () => Promise<boolean>, what: string) => {
    const end = Date.now() + 20_000;
    while (!(await ok())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${serve?.stderr()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  try {
    serve = await startServe(file, dir);
    await until(async () => sim.createRequests().length > 0, 'the first rebalance');
    fillDisk(filler);
    await until(async () => (await view()).paused === true, 'the pause');
    // A leg whose intent and `sent` were journaled before the disk filled may still go out (journal first);
    // once the pause is seen, nothing more may: counted from here, over the next cycles.
    const sent = sim.createRequests().length;
    await new Promise((r) => setTimeout(r, 2500));
    assert.match((await view()).pauseReason, /SQLITE_FULL/);
    assert.equal((await serve.request('GET', '/health')).status, 200);
    assert.equal((await serve.request('GET', '/portfolios')).status, 200);
    assert.match(serve.stderr(), /SQLITE_FULL/, 'the alert is logged');
    assert.equal(sim.createRequests().length, sent, 'nothing sent once the disk is full');
    await serve.stop('SIGKILL');
    rmSync(filler);
    serve = await startServe(file, dir);
    assert.equal((await view()).paused, true, 'still paused after the restart');
    sim.setPrice('BTCUSDT', 75_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sim.createRequests().length, sent, 'paused: nothing sent');
    assert.equal((await serve.request('POST', '/portfolios/p1/resume')).status, 200);
    await until(async () => sim.createRequests().length > sent, 'a trade after resume');
    noDuplicates(sim.createRequests().map((c) => c.clientOrderId));
  } finally {
    await serve?.stop('SIGKILL').catch(() => undefined);
    await sim.stop();
    unmount(mnt, dir);
  }
});
