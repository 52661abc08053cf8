import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ballast } from '../../../test/support/cli.ts';
import { loadPriceCsv } from '../../backtest/data/load.ts';
import { fitEwma } from '../../core/forecast/ewma.ts';
import { fitGarch } from '../../core/forecast/garch.ts';
import { fitHar } from '../../core/forecast/har.ts';
import { logReturns } from '../../core/forecast/returns.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const data = join(root, 'examples', 'data', 'crypto-daily.csv');
const dir = mkdtempSync(join(tmpdir(), 'ballast-vol-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** BTC's log returns from 2024-01-01 on, as the CLI takes them with --start 2024-01-01. */
function btcSince2024(): Float64Array {
  const t = loadPriceCsv(data);
  const first = t.times.findIndex((ms) => ms >= Date.UTC(2024, 0, 1));
  return logReturns(t.closes[t.assets.indexOf('BTC')]!.slice(first));
}

const window = ['--prices', data, '--asset', 'BTC', '--start', '2024-01-01'];

describe('ballast vol (spawned)', { concurrency: 2 }, () => {
  it('fit --json prints exactly the documented keys, with the values of the library fit', async () => {
    const r = btcSince2024();
    const [garch, ewma, har] = await Promise.all(
      ['garch', 'ewma', 'har'].map((m) => ballast('vol', 'fit', ...window, '--model', m, '--json')),
    );
    for (const x of [garch, ewma, har]) {
      assert.equal(x!.code, 0, x!.stderr);
      assert.equal(x!.stdout.trimEnd().split('\n').length, 1, 'one line');
    }
    const g = JSON.parse(garch!.stdout) as Record<string, number>;
    assert.deepEqual(Object.keys(g), ['omega', 'alpha', 'beta', 'loglik', 'forecast', 'n']);
    const want = fitGarch(r);
    assert.deepEqual(g, {
      omega: want.omega,
      alpha: want.alpha,
      beta: want.beta,
      loglik: want.loglik,
      forecast: want.forecast,
      n: r.length,
    });
    const e = JSON.parse(ewma!.stdout) as Record<string, number>;
    assert.deepEqual(Object.keys(e), ['lambda', 'last', 'forecast']);
    const we = fitEwma(r);
    assert.deepEqual(e, { lambda: 0.94, last: we.last, forecast: we.forecast });
    const h = JSON.parse(har!.stdout) as Record<string, number>;
    assert.deepEqual(Object.keys(h), ['b0', 'b1', 'b5', 'b22', 'forecast', 'n']);
    const wh = fitHar(r);
    assert.deepEqual(h, { b0: wh.b0, b1: wh.b1, b5: wh.b5, b22: wh.b22, forecast: wh.forecast, n: r.length });
  });

  it('fit without --json prints a readable table', async () => {
    const x = await ballast('vol', 'fit', ...window, '--model', 'garch');
    assert.equal(x.code, 0, x.stderr);
    assert.match(x.stdout, /^BTC, GARCH\(1,1\) on [\d,]+ log returns, 2024-01-01 → 2025-02-11\n/);
    assert.match(x.stdout, /parameter\s+value\s+std\. error/);
    assert.match(x.stdout, /next bar: variance [\d.e-]+, volatility [\d.]+%/);
  });

  it('evaluate --json --report: per asset and model the losses and DM t; the report draws every model', async () => {
    const report = join(dir, 'vol.html');
    const x = await ballast(
      'vol',
      'evaluate',
      '--prices',
      data,
      '--asset',
      'BTC',
      '--asset',
      'DOGE',
      '--start',
      '2023-06-01',
      '--holdout',
      '120',
      '--report',
      report,
      '--json',
    );
    assert.equal(x.code, 0, x.stderr);
    const j = JSON.parse(x.stdout) as {
      holdout: number;
      refitEvery: number;
      assets: { asset: string; n: number; from: string; to: string; models: Record<string, unknown>[] }[];
    };
    assert.equal(j.holdout, 120);
    assert.equal(j.refitEvery, 20);
    assert.deepEqual(
      j.assets.map((a) => a.asset),
      ['BTC', 'DOGE'],
    );
    for (const a of j.assets) {
      assert.equal(a.to, '2025-02-11');
      assert.deepEqual(
        a.models.map((m) => m.model),
        ['ewma', 'garch', 'har', 'hmm'],
      );
      for (const m of a.models) {
        assert.deepEqual(Object.keys(m), ['model', 'qlike', 'mse', 'dmQlike', 'dmMse']);
        assert.ok((m.qlike as number) > 0 && (m.mse as number) > 0);
        if (m.model === 'ewma') assert.equal(m.dmQlike, null);
        else assert.equal(typeof m.dmQlike, 'number');
      }
    }
    // Progress on stderr as plain lines (not a terminal), then where the report went.
    assert.match(x.stderr, /^vol evaluate .* 0% 0\/8 /m);
    assert.match(x.stderr, /100% 8\/8 in [\d.]+s\nreport: /);
    const html = readFileSync(report, 'utf8');
    assert.match(html, /<title>Ballast volatility forecasts<\/title>/);
    assert.ok(html.includes('echarts') && html.includes('"realized"') && html.includes('"model":"garch"'));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file left',
    );
  });

  it('bad input: one line naming the flag, file or field, no stack, exit 1 or 2, no file left behind', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'date,BTC\n2024-01-01,100\n2024-01-02,abc\n');
    const report = join(dir, 'never.html');
    const cases: [string[], number, RegExp][] = [
      [
        ['vol', 'fit', '--prices', data, '--asset', 'SOL', '--model', 'garch'],
        1,
        /asset "SOL" is not in the price file/,
      ],
      [['vol', 'fit', '--prices', bad, '--asset', 'BTC', '--model', 'ewma'], 1, /bad\.csv:3: /],
      [['vol', 'fit', ...window, '--model', 'arima'], 2, /'--model <name>' argument 'arima' is invalid/],
      [
        ['vol', 'fit', ...window, '--model', 'ewma', '--lambda', '1.5'],
        2,
        /^ballast: --lambda: expected a number in \(0, 1\), got "1\.5"\n$/,
      ],
      [
        ['vol', 'fit', ...window, '--model', 'garch', '--end', '2024-02-30'],
        2,
        /^ballast: --end: "2024-02-30" is not a date/,
      ],
      [
        ['vol', 'fit', ...window, '--model', 'garch', '--end', '2024-01-20'],
        1,
        /crypto-daily\.csv: BTC: garch: needs at least 50 returns, got 19\n$/,
      ],
      [
        ['vol', 'evaluate', '--prices', data, '--holdout', 'x', '--report', report],
        2,
        /^ballast: --holdout: expected an integer ≥ 1, got "x"\n$/,
      ],
      [
        ['vol', 'evaluate', '--prices', data, '--holdout', '2560', '--report', report],
        2,
        /^ballast: --holdout 2560: .* at least 50 must precede the holdout\n$/,
      ],
      [
        ['vol', 'evaluate', '--prices', data, '--report', join(dir, 'missing', 'r.html')],
        2,
        /^ballast: --report .*missing\/r\.html: the folder .*missing does not exist; create it first\n$/,
      ],
    ];
    const results = await Promise.all(cases.map(([args]) => ballast(...args)));
    results.forEach((x, k) => {
      const [args, code, message] = cases[k]!;
      assert.equal(x.code, code, `${args.join(' ')}: ${x.stderr}`);
      assert.match(x.stderr, message, args.join(' '));
      assert.equal(x.stderr.trimEnd().split('\n').length, 1, `one line: ${x.stderr}`);
      assert.doesNotMatch(x.stderr, /\n\s+at /);
      assert.equal(x.stdout, '');
    });
    assert.ok(!existsSync(report), 'no report written');
  });
});
