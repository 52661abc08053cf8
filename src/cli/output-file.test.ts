import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { UsageError } from './io.ts';
import { checkOutput, writeOutput } from './output-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-out-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'adir'));
writeFileSync(join(dir, 'afile'), 'x');

test('checkOutput: the extension chooses the format; a mismatch names the flag and the extensions', () => {
  assert.equal(checkOutput('--out', join(dir, 'r.json'), ['csv', 'json']), 'json');
  assert.equal(checkOutput('--out', join(dir, 'r.CSV'), ['csv', 'json']), 'csv');
  assert.throws(
    () => checkOutput('--out', join(dir, 'r.txt'), ['csv', 'json']),
    (e: Error) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /^--out .*r\.txt: the file name must end in \.csv or \.json/);
      return true;
    },
  );
});

test('checkOutput: a missing folder, a file in the way, a directory as target are refused', () => {
  const cases: [string, RegExp][] = [
    [join(dir, 'nodir', 'sub', 'r.html'), /the folder .*nodir\/sub does not exist/],
    [join(dir, 'afile', 'r.html'), /afile is not a folder/],
    [join(dir, 'adir'), /must end in/],
    [join(dir, 'adir.html'), /./],
  ];
  mkdirSync(join(dir, 'adir.html'));
  for (const [p, re] of cases) {
    assert.throws(
      () => checkOutput('--report', p, ['html']),
      (e: Error) => {
        assert.ok(e instanceof UsageError, e.message);
        assert.match(e.message, re);
        assert.ok(e.message.startsWith('--report '));
        return true;
      },
    );
  }
  assert.throws(() => checkOutput('--report', join(dir, 'adir.html'), ['html']), /is a directory/);
});

test('writeOutput: the file appears whole; a failed write leaves no file and no temporary', () => {
  writeOutput(join(dir, 'ok.csv'), 'a,b\n');
  assert.equal(readFileSync(join(dir, 'ok.csv'), 'utf8'), 'a,b\n');
  const before = readdirSync(dir).sort();
  assert.throws(() => writeOutput(join(dir, 'adir.html'), '<html>'), /cannot be written/);
  assert.deepEqual(readdirSync(dir).sort(), before);
});
