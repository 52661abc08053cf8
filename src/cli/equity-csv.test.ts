import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { BacktestRun } from '../backtest/request.ts';
import { timeFormatter, writeEquityCsv } from './equity-csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-equity-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A run with T bars and two strategies: only what writeEquityCsv reads. */
function fakeRun(T: number, stepMs: number): BacktestRun {
  const times = Float64Array.from({ length: T }, (_, t) => Date.UTC(2024, 0, 1) + t * stepMs);
  const eq = (k: number) => Float64Array.from({ length: T }, (_, t) => 1e6 + k * t + 0.125);
  return {
    data: { times },
    results: [
      { strategy: 'hodl', equity: eq(1) },
      { strategy: 'band:0.05', equity: eq(2) },
    ],
  } as unknown as BacktestRun;
}

test('equity CSV: every bar in order, written in chunks through a temporary name', () => {
  const T = 60_000; // about 3 MB: several chunks
  const path = join(dir, 'eq.csv');
  writeEquityCsv(fakeRun(T, 60_000), path);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, T + 1);
  assert.equal(lines[0], 'date,hodl,band:0.05');
  assert.equal(lines[1], '2024-01-01T00:00:00Z,1000000.125,1000000.125');
  assert.equal(
    lines[T],
    `${new Date(Date.UTC(2024, 0, 1) + (T - 1) * 60_000).toISOString().replace('.000Z', 'Z')},${1e6 + (T - 1) + 0.125},${1e6 + 2 * (T - 1) + 0.125}`,
  );
  assert.deepEqual(readdirSync(dir), ['eq.csv'], 'no temporary file left');
});

test('equity CSV: daily bars print dates; a failed write leaves nothing behind', () => {
  assert.equal(timeFormatter([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)])(Date.UTC(2024, 0, 2)), '2024-01-02');
  assert.equal(timeFormatter([Date.UTC(2024, 0, 1, 0, 1)])(Date.UTC(2024, 0, 1, 0, 1)), '2024-01-01T00:01:00Z');
  const into = join(dir, 'missing-folder', 'eq.csv');
  assert.throws(() => writeEquityCsv(fakeRun(10, 86_400_000), into));
  assert.equal(existsSync(join(dir, 'missing-folder')), false);
});
