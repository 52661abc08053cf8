/**
 * The writer lock against real processes: a child holds it, the parent is refused with the child's pid and
 * host; a kill -9 of the child frees it at once. In-process: one holder at a time, release, ':memory:'.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { JournalLockedError } from './errors.ts';
import { Journal } from './journal.ts';
import { acquireWriterLock, ownerPathOf } from './writer-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-writer-lock-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const MODULE = new URL('./writer-lock.ts', import.meta.url).pathname;

/** A child process that takes the lock, prints "held", and waits to be killed. */
async function holder(journal: string): Promise<ChildProcess> {
  const src = `import { acquireWriterLock } from ${JSON.stringify(MODULE)};
acquireWriterLock(${JSON.stringify(journal)}); process.stdout.write('held\\n'); setInterval(() => {}, 1e6);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', src], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('held') && resolve());
    child.on('exit', (c) => reject(new Error(`lock holder exited early (${c})`)));
  });
  return child;
}

function refusal(journal: string): JournalLockedError {
  try {
    acquireWriterLock(journal).release();
  } catch (e) {
    assert.ok(e instanceof JournalLockedError, String(e));
    return e;
  }
  assert.fail('acquireWriterLock succeeded while another holder has the lock');
}

test('a child holds the lock: refused with its pid and host; kill -9 frees it within 1 s', async () => {
  const journal = join(dir, 'child.sqlite');
  const child = await holder(journal);
  const e = refusal(journal);
  assert.deepEqual(e.holder, { pid: child.pid, host: hostname() });
  assert.match(e.message, new RegExp(`^journal ${journal}: pid ${child.pid} on host ${hostname()} holds it`));
  assert.ok(!e.message.includes('\n'), 'one line');
  const exited = new Promise((r) => child.on('exit', r));
  child.kill('SIGKILL');
  await exited;
  const t0 = Date.now();
  let lock: ReturnType<typeof acquireWriterLock> | undefined;
  while (!lock && Date.now() - t0 < 1000) {
    try {
      lock = acquireWriterLock(journal);
    } catch (err) {
      if (!(err instanceof JournalLockedError)) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  assert.ok(lock, `still locked ${Date.now() - t0} ms after the holder's kill -9`);
  assert.equal(JSON.parse(readFileSync(ownerPathOf(journal), 'utf8')).pid, process.pid, 'owner file rewritten');
  lock.release();
});

test('one holder at a time in one process too; release frees it, twice is harmless', () => {
  const journal = join(dir, 'inproc.sqlite');
  const a = acquireWriterLock(journal);
  assert.equal(refusal(journal).holder?.pid, process.pid);
  a.release();
  a.release();
  assert.equal(a.held, false);
  const b = acquireWriterLock(journal);
  assert.equal(b.held, true);
  b.release();
});

test('Journal.open({ writer: true }) holds the lock until close(); readers still read', () => {
  const path = join(dir, 'journal.sqlite');
  const w = Journal.open(path, { writer: true });
  w.portfolios.upsert({ id: 'p1', config: { target: { BTC: 1 } }, at: 1 });
  assert.throws(() => Journal.open(path, { writer: true }), JournalLockedError);
  const r = Journal.openReadOnly(path);
  assert.deepEqual(
    r.portfolios.list().map((p) => p.id),
    ['p1'],
  );
  assert.equal(r.journalId, w.journalId);
  assert.throws(() => r.meta.set('x', 'y', 2), /readonly/i, 'a read-only journal cannot write');
  r.close();
  w.close();
  assert.equal(w.writerLock?.held, false);
  Journal.open(path, { writer: true }).close();
});

test('a failed open releases the lock it took', () => {
  const path = join(dir, 'missing-dir', 'journal.sqlite');
  assert.throws(() => Journal.open(path, { writer: true }), /cannot open its lock file/);
  const bad = join(dir, 'too-new.sqlite');
  const j = Journal.open(bad);
  j.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
  j.close();
  assert.throws(() => Journal.open(bad, { writer: true }), /newer than this Ballast/);
  acquireWriterLock(bad).release(); // not left held by the failed open
});

test("':memory:' journals need no lock", () => {
  const a = Journal.open(':memory:', { writer: true });
  const b = Journal.open(':memory:', { writer: true });
  a.close();
  b.close();
});

test('openReadOnly refuses a missing file with one line and creates nothing', () => {
  const path = join(dir, 'nope.sqlite');
  assert.throws(
    () => Journal.openReadOnly(path),
    (e: Error) =>
      e.message === `journal ${path}: no such file; check the path (read-only commands never create a journal).`,
  );
  assert.throws(() => readFileSync(path), /ENOENT/);
});

test('a directory given as the journal is refused with one line before any lock file is made', () => {
  const d = mkdtempSync(join(tmpdir(), 'ballast-lock-dir-'));
  try {
    const path = join(d, 'adir');
    mkdirSync(path);
    assert.throws(() => Journal.open(path, { writer: true }), /journal .*adir: is a directory/);
    assert.deepEqual(readdirSync(d), ['adir'], 'nothing left behind');
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
