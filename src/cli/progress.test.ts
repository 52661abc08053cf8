import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runsProgress } from './progress.ts';

/** A stderr stand-in that records what is written (isTTY as given). */
function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

test('runsProgress off a terminal: plain lines, one per finished run, and 10% lines inside a long run', () => {
  const { out, stream } = sink(false);
  const p = runsProgress(stream);
  const T = 1000;
  const runs = 3;
  for (let k = 0; k < runs; k++) {
    for (let t = 10; t < T; t += 10) p(k * T + t, runs * T, `s${k}`, k + 1, runs);
    p((k + 1) * T, runs * T, `s${k}`, k + 1, runs);
  }
  const text = out.join('');
  assert.ok(!text.includes('\r'), 'no carriage return in a log');
  const lines = text.trimEnd().split('\n');
  assert.deepEqual(
    lines.filter((l) => !l.includes('…')).map((l) => l.split(' ').slice(0, 2).join(' ')),
    ['[1/3] s0', '[2/3] s1', '[3/3] s2'],
  );
  assert.ok(
    lines.some((l) => /^\[1\/3\] s0 … +\d+%/.test(l)),
    'a long run reports while it goes on',
  );
  assert.ok(lines.length <= runs + 10, `few lines: ${lines.length}`);
  assert.match(lines.at(-1)!, /100% in \d/);
});

test('runsProgress on a terminal redraws one line and ends it', () => {
  const { out, stream } = sink(true);
  const p = runsProgress(stream);
  p(500, 1000, 'hodl', 1, 2);
  p(1000, 1000, 'band', 2, 2);
  assert.ok(out.every((s) => s.startsWith('\r')));
  assert.ok(out.at(-1)!.endsWith('\n'));
});
