/**
 * `ballast sweep` as a user runs it: a small synthetic grid on 2 workers writes every result to CSV, and
 * bad flags are usage errors (exit 2, one line naming the flag) rather than stack traces.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');

function sweep(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'sweep', ...args],
      { cwd: ROOT, encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code ?? -1), stdout, stderr }),
    );
  });
}

const SMALL = ['--synthetic', 'gbm', '--assets', '3', '--bars', '300', '--widths', '0.01:0.2:3', '--fees', '0:20:2'];

describe('ballast sweep', () => {
  it('runs the grid on 2 workers and writes one CSV row per configuration', async (t) => {
    const tmp = mkdtempSync(join(tmpdir(), 'ballast-sweep-'));
    t.after(() => rmSync(tmp, { recursive: true, force: true }));
    const out = join(tmp, 'r.csv');
    const r = await sweep(...SMALL, '--workers', '2', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /best per family by sharpe/);
    assert.match(r.stdout, /band advisor/);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(
      rows[0],
      'family,width,feeBps,strategy,finalValue,totalReturn,cagr,volatility,sharpe,maxDrawdown,rebalances,fees,turnover',
    );
    assert.equal(rows.length, 1 + 5 * 3 * 2); // 5 default families × 3 widths × 2 fees
    for (const row of rows.slice(1)) assert.ok(Number(row.split(',')[4]) > 0, row);
  });
  it('--json prints { configs, best, walkForward } and nothing else on stdout (issue #17 item 2)', async () => {
    const r = await sweep(...SMALL, '--workers', '1', '--walk-forward', '0.5', '--fee', '20', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      configs: { family: string; width: number | null; feeBps: number; sharpe: number }[];
      best: { family: string; feeBps: number; metric: string; value: number }[];
      walkForward: { chosen: number; outOfSample: number };
    };
    assert.deepEqual(Object.keys(j).sort(), ['best', 'configs', 'walkForward']);
    assert.equal(j.configs.length, 5 * 3 * 2);
    assert.equal(j.best.length, 5, 'one per family');
    for (const b of j.best) {
      assert.equal(b.feeBps, 20, 'best at the user fee');
      assert.equal(b.metric, 'sharpe');
      const same = j.configs.filter((c) => c.family === b.family && c.feeBps === 20);
      assert.equal(b.value, Math.max(...same.map((c) => c.sharpe)), `${b.family}: the best of its family`);
    }
    assert.ok(Number.isInteger(j.walkForward.chosen));
    const none = await sweep(...SMALL, '--workers', '1', '--json');
    assert.deepEqual(Object.keys(JSON.parse(none.stdout) as object).sort(), ['best', 'configs']);
  });
  it('names the bad flag and exits 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--metric', 'nope'], /unknown metric "nope"/],
      [['--families', 'band,nope'], /unknown sweep family "nope"/],
      [['--families', 'vol:abc'], /sweep family "vol:abc": exponent/],
      [['--workers', 'x'], /--workers: expected a whole number/],
      [['--widths', '1:2'], /--widths: expected numbers/],
    ];
    const results = await Promise.all(cases.map(([args]) => sweep(...SMALL, ...args)));
    results.forEach((r, k) => {
      assert.equal(r.code, 2, `${cases[k]![0].join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, cases[k]![1]);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  });
});
