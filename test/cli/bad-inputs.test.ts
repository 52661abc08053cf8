/**
 * Issue #16: every bad input is one clear line and changes nothing. The real built CLI
 * (`node bin/ballast.js`, dist/ from `npm run build`) runs each case of cases.ts in a fresh working
 * directory holding the fixtures: a bad case exits 1 or 2 with a first stderr line under 300 characters
 * that names what is at fault, prints no stack trace and leaves no new file (in the directory or at the
 * named path); a near-miss succeeds, so the table cannot pass by refusing everything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BAD, type Ctx, NEAR } from './cases.ts';
import { DIRS, FIXTURES, PRIVATE } from './fixtures.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(root, 'bin', 'ballast.js');
const top = mkdtempSync(join(tmpdir(), 'ballast-bad-'));
after(() => rmSync(top, { recursive: true, force: true }));

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly cwd: string;
  readonly before: Set<string>;
}

let n = 0;
function workdir(): string {
  const d = join(top, String(n++));
  mkdirSync(d);
  for (const [name, content] of Object.entries(FIXTURES)) writeFileSync(join(d, name), content);
  for (const p of PRIVATE) chmodSync(join(d, p), 0o600);
  for (const x of DIRS) mkdirSync(join(d, x));
  return d;
}

/** At most `POOL` CLIs at once: the machine is shared. */
const POOL = 3;
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= POOL) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await f();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function ballast(args: string[], env: Readonly<Record<string, string>> = {}): Promise<Run> {
  return slot(
    () =>
      new Promise((resolve, reject) => {
        const cwd = workdir();
        const before = new Set(readdirSync(cwd));
        const clean = { ...process.env, BALLAST_PRIVATE_KEY: '', BALLAST_API_TOKEN: '', BALLAST_DEBUG: '', ...env };
        const p = spawn(process.execPath, [BIN, ...args], { cwd, env: clean, timeout: 30_000 });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (b: Buffer) => {
          stdout += b.toString();
        });
        p.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
        });
        p.on('error', reject);
        p.on('close', (code) => resolve({ code, stdout, stderr, cwd, before }));
      }),
  );
}

let busy: Server;
const ctx: { value?: Ctx } = {};
before(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const addr = busy.address();
  ctx.value = { busyPort: typeof addr === 'object' && addr ? addr.port : 0 };
});
after(() => new Promise<void>((r) => busy.close(() => r())));

const STACK = /^\s+at |node:internal/m;

describe('bad inputs: one clear line, exit 1 or 2, nothing left behind', { concurrency: POOL }, () => {
  it('the table is big enough', () => {
    assert.ok(BAD.length >= 60, `${BAD.length} bad inputs`);
    assert.ok(NEAR.length >= 10, `${NEAR.length} near-misses`);
  });
  for (const c of BAD) {
    it(c.name, { timeout: 60_000 }, async () => {
      const r = await ballast(c.args(ctx.value!), c.env);
      const first = r.stderr.split('\n')[0] ?? '';
      const show = `exit ${r.code}\nstderr: ${r.stderr.slice(0, 600)}\nstdout: ${r.stdout.slice(0, 300)}`;
      assert.equal(r.code, c.code, show);
      assert.ok(first.length > 0 && first.length < 300, `first line of ${first.length} characters\n${show}`);
      assert.ok(first.includes(c.names), `the first line names ${JSON.stringify(c.names)}\n${show}`);
      if (c.says) assert.match(first, c.says, show);
      assert.doesNotMatch(r.stderr, STACK, show);
      assert.doesNotMatch(first, /unexpected error/, show);
      const added = readdirSync(r.cwd).filter((f) => !r.before.has(f));
      assert.deepEqual(added, [], `files left behind\n${show}`);
      for (const p of c.absent ?? []) assert.ok(!readdirSync(r.cwd).includes(p), `${p} was created`);
    });
  }
  for (const c of NEAR) {
    it(`near-miss, succeeds: ${c.name}`, { timeout: 60_000 }, async () => {
      const r = await ballast(c.args);
      assert.equal(r.code, 0, `stderr: ${r.stderr.slice(0, 600)}`);
      if (c.stdout) assert.match(r.stdout, c.stdout);
      if (c.stderr) assert.match(r.stderr, c.stderr);
      const added = readdirSync(r.cwd)
        .filter((f) => !r.before.has(f))
        .sort();
      assert.deepEqual(added, [...(c.writes ?? [])].sort());
    });
  }
});
