/**
 * The long-running commands' signal handling, in a real child process with real signals: a SIGTERM that
 * arrives during start-up waits for it and then stops cleanly (exit 0), instead of Node's default kill; a
 * second signal while stopping does not kill either. `serve --workers`' fleet test once lost a worker this
 * way: SIGTERM came between its registration and its handlers (exit code null).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { until } from '../../test/support/until.ts';

const TSX = import.meta.resolve('tsx');
const HELPER = new URL('./stop-signals.ts', import.meta.url).href;

/** A command whose start-up lasts until a line arrives on stdin, and whose stop lasts until a second line. */
const SCRIPT = `
import { createInterface } from 'node:readline';
import { stopSignals } from ${JSON.stringify(HELPER)};
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const signals = stopSignals();
process.stdout.write('starting\\n');
const go = (await lines.next()).value;
// 'wait': start-up lasts until the signal has come (or 20 s), so the test does not race its delivery
const end = Date.now() + 20000;
while (go === 'wait' && !signals.requested && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
process.stdout.write('started ' + (signals.requested ? 'stop-requested' : 'running') + '\\n');
signals.ready(async () => {
  process.stdout.write('stopping\\n');
  const how = (await lines.next()).value;
  if (how === 'fail') throw new Error('the store did not close\\nsecond line');
  process.stdout.write('stopped\\n');
  process.exit(0);
});
await new Promise(() => {});
`;

function command() {
  const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', SCRIPT], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('exit', (c, s) => r([c, s])));
  const line = async () => (await out.next()).value as string;
  return { child, line, exited, stderr: () => err };
}

test('a SIGTERM during start-up waits for it, then stops cleanly with exit 0', async () => {
  const c = command();
  assert.equal(await c.line(), 'starting');
  c.child.kill('SIGTERM');
  c.child.stdin!.write('wait\n');
  assert.equal(await c.line(), 'started stop-requested');
  assert.equal(await c.line(), 'stopping');
  c.child.stdin!.write('done\n');
  assert.equal(await c.line(), 'stopped');
  assert.deepEqual(await c.exited, [0, null], c.stderr());
});

/** A command started, then signalled: it says it is stopping (and waits for a line to finish). */
async function stopping(signal: NodeJS.Signals) {
  const c = command();
  assert.equal(await c.line(), 'starting');
  c.child.stdin!.write('go\n');
  assert.equal(await c.line(), 'started running');
  c.child.kill(signal);
  assert.equal(await c.line(), 'stopping');
  return c;
}

test('a signal after start-up stops at once; a second one while stopping says so and does not kill', async () => {
  const c = await stopping('SIGINT');
  c.child.kill('SIGTERM');
  await until('the second signal’s line', () =>
    /SIGTERM: already stopping; the work under way finishes first \(kill -9 forces\)/.test(c.stderr())
      ? true
      : undefined,
  );
  c.child.stdin!.write('done\n');
  assert.equal(await c.line(), 'stopped');
  assert.deepEqual(await c.exited, [0, null], c.stderr());
});

test('a stop that fails is one line on stderr and exit 1, not a stack trace', async () => {
  const c = await stopping('SIGTERM');
  c.child.stdin!.write('fail\n');
  assert.deepEqual(await c.exited, [1, null], c.stderr());
  assert.equal(c.stderr(), 'stopping failed: the store did not close\n');
});
