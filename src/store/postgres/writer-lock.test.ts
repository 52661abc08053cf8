import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { freshDatabase, pgSkip } from '../../../test/support/postgres.ts';
import { JournalLockedError } from '../errors.ts';
import { openPostgresStore } from './store.ts';
import { redactUrl } from './url.ts';

test('one writer per database: a second is refused naming the holder; readers and shared processes open beside it; close frees it', {
  skip: pgSkip,
}, async () => {
  const url = await freshDatabase();
  const first = await openPostgresStore(url, { writer: true });
  try {
    await assert.rejects(openPostgresStore(url, { writer: true }), (e: unknown) => {
      assert.ok(e instanceof JournalLockedError, String(e));
      assert.equal(
        e.message,
        `journal ${redactUrl(url)}: pid ${process.pid} on host ${hostname()} holds it (a Ballast service runs on it); one service per journal, so stop that one first, or point this one at its own journal file.`,
      );
      return true;
    });
    const shared = await openPostgresStore(url);
    assert.equal(shared.id, first.id);
    await shared.close();
  } finally {
    await first.close();
  }
  const again = await openPostgresStore(url, { writer: true });
  await again.close();
});

test('a writer killed with SIGKILL frees the database at once', { skip: pgSkip }, async () => {
  const url = await freshDatabase();
  const code = `import { openPostgresStore } from './src/store/postgres/store.ts';
await openPostgresStore(process.argv[1], { writer: true });
process.stdout.write('held\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, url], {
    cwd: new URL('../../..', import.meta.url).pathname,
  });
  try {
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('held') && res());
      child.on('exit', (c) => rej(new Error(`child exited ${c}`)));
    });
    await assert.rejects(openPostgresStore(url, { writer: true }), new RegExp(`pid ${child.pid} on host`));
  } finally {
    child.kill('SIGKILL');
  }
  await new Promise((r) => child.once('close', r));
  // the server notices the closed connection: retry briefly (a loaded machine)
  const end = Date.now() + 10_000;
  for (;;) {
    try {
      const s = await openPostgresStore(url, { writer: true });
      await s.close();
      break;
    } catch (e) {
      if (!(e instanceof JournalLockedError) || Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
