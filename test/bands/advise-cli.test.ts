/** `ballast advise` through the real CLI: the JSON keys, the report, and bad inputs (exit 2 flags, 1 files). */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ballast } from '../support/cli.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'ballast-advise-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = 'examples/data/crypto-daily.csv';

describe('ballast advise', { concurrency: 2 }, () => {
  it('prints the documented JSON keys; with gas a break-even value and a report', async () => {
    const report = join(dir, 'advise.html');
    const r = await ballast(
      'advise',
      '--value',
      '50000',
      '--prices',
      data,
      '--assets',
      'BTC=0.4,ETH=0.4,USD=0.2',
      '--fee-bps',
      '5',
      '--gas-price-gwei',
      '20',
      '--gas-used',
      '600000',
      '--json',
      '--report',
      report,
    );
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(o), [
      'value',
      'quote',
      'prices',
      'vol',
      'kappa',
      'fixedCost',
      'policy',
      'assets',
      'best',
      'breakEvenValue',
      'curve',
    ]);
    assert.deepEqual(Object.keys(o.assets[0]), ['asset', 'weight', 'weightSigma', 'cost', 'formulaBand']);
    assert.deepEqual(Object.keys(o.best), ['halfWidth', 'harvest', 'cost', 'netBenefit']);
    assert.equal(o.policy, 'full');
    assert.deepEqual(
      o.assets.map((a: { asset: string }) => a.asset),
      ['BTC', 'ETH'],
    );
    // The fixed cost is 20 gwei × 600,000 gas at the file's last ETH close.
    const rows = readFileSync(join(root, data), 'utf8').trim().split('\n');
    const eth = rows[0]!.split(',').indexOf('ETH');
    assert.ok(Math.abs(o.fixedCost - 20e-9 * 600000 * Number(rows.at(-1)!.split(',')[eth])) < 1e-9);
    assert.ok(o.breakEvenValue > 0);
    // The best point is the curve's maximum (within the grid's spacing) and pays at this value.
    const top = Math.max(...o.curve.map((p: { netBenefit: number }) => p.netBenefit));
    assert.ok(o.best.netBenefit >= top - 1e-9);
    assert.equal(o.best.netBenefit > 0, o.value > o.breakEvenValue);
    const html = readFileSync(report, 'utf8');
    assert.match(html, /chart-advise/);
    assert.match(html, /echarts/);
  });

  it('without a fixed cost trades to the edge and pays at any value', async () => {
    const r = await ballast(
      'advise',
      '--value',
      '1000',
      '--prices',
      data,
      '--assets',
      'BTC,ETH',
      '--fee-bps',
      '10',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal(o.policy, 'edge');
    assert.equal(o.breakEvenValue, 0);
    assert.equal(o.fixedCost, 0);
  });

  for (const [args, flag] of [
    [['--value', '-5'], '--value'],
    [['--value', '1000', '--kappa', '0'], '--kappa'],
    [['--value', '1000', '--fee-bps', 'x'], '--fee-bps'],
    [['--value', '1000', '--gas-price-gwei', '20'], '--gas-price-gwei'],
    [['--value', '1000', '--l1-data-fee', '0.001'], '--l1-data-fee'],
    [['--value', '1000', '--assets', 'BTC=0.5,ETH=0.6'], '--assets'],
    [['--value', '1000', '--assets', 'BTC,BTC'], '--assets'],
    [['--value', '1000', '--vol', 'arima'], '--vol'],
    [['--value', '1000', '--report', '/nonexistent-dir/x.html'], '--report'],
  ] as const) {
    it(`exits 2 naming ${flag} for ${args.join(' ')}`, async () => {
      const r = await ballast('advise', '--prices', data, ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(flag.replace(/-/g, '\\-')));
      assert.equal(r.stdout, '');
    });
  }

  it('exits 1 on a bad price file or an unknown asset, and leaves no report', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'date,BTC\n2024-01-01,abc\n');
    const report = join(dir, 'none.html');
    const a = await ballast('advise', '--value', '1000', '--prices', bad, '--report', report);
    assert.equal(a.code, 1, a.stderr);
    const b = await ballast('advise', '--value', '1000', '--prices', data, '--assets', 'BTC,NOPE');
    assert.equal(b.code, 1, b.stderr);
    assert.match(b.stderr, /NOPE/);
    const c = await ballast('advise', '--value', '1000', '--prices', join(dir, 'missing.csv'));
    assert.equal(c.code, 1, c.stderr);
    assert.ok(!existsSync(report));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });
});
