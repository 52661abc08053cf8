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
      'ceilingValue',
      'curve',
    ]);
    assert.deepEqual(Object.keys(o.assets[0]), ['asset', 'weight', 'weightSigma', 'cost', 'impactK', 'formulaBand']);
    assert.equal(o.ceilingValue, null);
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

  it('with square-root impact, rebalancing stops paying above a ceiling value (the cost model’s k = impact·σ/√ADV)', async () => {
    const run = (value: string) =>
      ballast(
        'advise',
        '--value',
        value,
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
        '--impact',
        '1',
        '--sigma',
        'BTC=0.03,ETH=0.04',
        '--adv',
        'BTC=1e6,ETH=5e5',
        '--json',
      );
    const r = await run('100000');
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.ok(
      Math.abs(o.assets[0].impactK - 0.03 / 1e3) < 1e-15 &&
        Math.abs(o.assets[1].impactK - 0.04 / Math.sqrt(5e5)) < 1e-15,
    );
    assert.ok(o.breakEvenValue > 0 && o.ceilingValue > o.breakEvenValue, `${o.breakEvenValue} … ${o.ceilingValue}`);
    assert.ok(o.best.netBenefit > 0);
    // Just below the break-even, and above the ceiling, the best band loses money; just inside, it pays.
    for (const [v, pays] of [
      [o.breakEvenValue * 0.98, false],
      [o.breakEvenValue * 1.02, true],
      [o.ceilingValue * 0.98, true],
      [o.ceilingValue * 1.02, false],
    ] as const) {
      const x = JSON.parse((await run(String(v))).stdout);
      assert.equal(x.best.netBenefit > 0, pays, `at ${v}: ${x.best.netBenefit}`);
    }
  });

  for (const [args, flag] of [
    [['--value', '1000', '--impact', '1'], '--sigma'],
    [['--value', '1000', '--impact', '1', '--sigma', 'BTC=0.03'], '--adv'],
    [['--value', '1000', '--sigma', 'BTC=0.03'], '--sigma'],
    [['--value', '1000', '--impact', '1', '--sigma', 'BTC=x', '--adv', 'BTC=1e6'], '--sigma'],
    [['--value', '1000', '--impact', '1', '--sigma', 'BTC=0.03', '--adv', 'ETH=1e6'], '--adv'],
    [['--value', '1000', '--impact', '1', '--sigma', 'NOPE=0.03', '--adv', 'NOPE=1e6'], '--sigma'],
    [['--value', '1000', '--impact', '-1', '--sigma', 'BTC=0.03', '--adv', 'BTC=1e6'], '--impact'],
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
