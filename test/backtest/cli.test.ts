/**
 * `ballast backtest` as a user runs it: the exact --json shape and order, exit codes and messages for
 * bad strategy names (2) and bad input (1). The spawns run concurrently to keep the suite fast.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StrategyError } from '../../src/backtest/engine/strategy.ts';
import { type BacktestRequest, runRequest } from '../../src/backtest/request.ts';
import { jsonRuns } from '../../src/cli/commands/backtest.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(import.meta.dirname, 'fixtures');
const SMALL = join(FIX, 'small.csv');

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

function ballast(...args: string[]): Promise<Out> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'backtest', ...args],
      { cwd: ROOT, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const KEYS = [
  'strategy',
  'finalValue',
  'totalReturn',
  'cagr',
  'volatility',
  'sharpe',
  'maxDrawdown',
  'rebalances',
  'fees',
  'turnover',
];
const base = ['--prices', SMALL, '--target', 'BTC=0.6,ETH=0.3,USD=0.1', '--fee-bps', '10'];

// The only three spawns (each costs ~1.5 s of CPU for tsx), started at load time, all at once. The
// other cases run in-process through runRequest/jsonRuns, the code the command calls.
const spawned = {
  appended: ballast('--json', ...base, '--strategy', 'calendar:week', '--strategy', 'band:0.02'),
  badName: ballast('--json', ...base, '--strategy', 'band:0.02', '--strategy', 'bnad:0.05'),
  unsorted: ballast('--json', '--prices', join(FIX, 'unsorted.csv'), '--target', 'BTC=0.5,ETH=0.5'),
};
const request = (over: Partial<BacktestRequest>): BacktestRequest => ({
  prices: SMALL,
  target: 'BTC=0.6,ETH=0.3,USD=0.1',
  feeBps: 10,
  strategies: [],
  capital: 1_000_000,
  periodsPerYear: 365,
  fill: 'none',
  lag: 0,
  ...over,
});

describe('ballast backtest --json', () => {
  it('prints exactly { runs: [...] } with the documented keys, in command-line order, hodl appended', async () => {
    const r = await spawned.appended;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1, 'one JSON line on stdout, nothing else');
    const doc = JSON.parse(r.stdout) as { runs: Array<Record<string, unknown>> };
    assert.deepEqual(Object.keys(doc), ['runs']);
    assert.deepEqual(
      doc.runs.map((x) => x.strategy),
      ['calendar:week', 'band:0.02', 'hodl'],
    );
    for (const run of doc.runs) assert.deepEqual(Object.keys(run), KEYS);
    // numbers unrounded: identical to the engine's own values
    const want = runRequest(request({ strategies: ['calendar:week', 'band:0.02'] }));
    want.results.forEach((res, k) => {
      for (const key of KEYS.slice(1)) assert.equal(doc.runs[k]![key], res.metrics[key as keyof typeof res.metrics]);
    });
    assert.ok((doc.runs[0]!.rebalances as number) > 0);
    assert.match(r.stderr, /\[3\/3\] hodl/, 'progress goes to stderr');
  });

  it('does not append hodl when it was requested, and keeps its position', () => {
    const doc = jsonRuns(runRequest(request({ strategies: ['band:0.02', 'hodl', 'relband:0.1'] })));
    assert.deepEqual(
      doc.runs.map((x) => x.strategy),
      ['band:0.02', 'hodl', 'relband:0.1'],
    );
    for (const run of doc.runs) assert.deepEqual(Object.keys(run), KEYS);
  });
});

describe('ballast backtest: errors', () => {
  it('an unknown strategy name: exit 2, the name in the message, nothing on stdout', async () => {
    const r = await spawned.badName;
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown strategy "bnad:0\.05".*--help/);
  });

  it('a strategy with a missing parameter: StrategyError (exit 2)', () => {
    assert.throws(
      () => runRequest(request({ strategies: ['hybrid:month'] })),
      (e: unknown) =>
        e instanceof StrategyError &&
        e.next === 'fix-usage' &&
        /"hybrid:month": band "" is not a number/.test(e.message),
    );
  });

  it('an unsorted CSV: exit 1, naming the file and the line', async () => {
    const r = await spawned.unsorted;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unsorted\.csv:6: date 2018-01-04 is not after 2018-01-05/);
  });

  // main.ts maps PriceDataError and PriceWindowError to exit 1, as the spawned unsorted case shows.
  it('a CSV column named like the cash asset: PriceWindowError (exit 1), naming it', () => {
    assert.throws(
      () => runRequest(request({ prices: join(FIX, 'cash-column.csv'), target: 'BTC=0.5,ETH=0.5' })),
      (e: unknown) =>
        e instanceof Error && e.name === 'PriceWindowError' && /column "USD", the cash asset/.test(e.message),
    );
  });

  it('a target asset missing from the CSV: PriceWindowError (exit 1), naming the asset', () => {
    assert.throws(
      () => runRequest(request({ target: 'BTC=0.5,ZZZ=0.3,USD=0.2' })),
      (e: unknown) =>
        e instanceof Error &&
        e.name === 'PriceWindowError' &&
        /asset "ZZZ" is not in the price file \(it has: BTC, ETH\)/.test(e.message),
    );
  });
});

describe('--config: its quote is the cash, its trigger runs as "config"', () => {
  const doc = {
    quote: 'USDT',
    target: { BTC: 0.6, ETH: 0.3, USDT: 0.1 },
    trigger: { type: 'band', band: 0.02 },
    costs: { feeBps: 10 },
  };
  const req = {
    prices: SMALL,
    config: 'portfolio.yaml',
    configDoc: doc,
    capital: 1_000_000,
    periodsPerYear: 365,
    fill: 'none' as const,
    lag: 0 as const,
  };

  it('runs the flags’ strategies, then config, then hodl; config equals the same band by name', () => {
    const run = runRequest({ ...req, strategies: ['band:0.02'] });
    assert.equal(run.options.cash, 'USDT');
    assert.deepEqual(
      run.results.map((r) => r.strategy),
      ['band:0.02', 'config', 'hodl'],
    );
    assert.deepEqual(run.results[1]!.metrics, run.results[0]!.metrics);
    // with USD as the quote (--target) the same weights give the same numbers
    const usd = runRequest({
      ...req,
      config: undefined,
      configDoc: undefined,
      target: 'BTC=0.6,ETH=0.3,USD=0.1',
      feeBps: 10,
      strategies: ['band:0.02'],
    });
    assert.deepEqual(usd.results[0]!.metrics, run.results[0]!.metrics);
  });

  it('--fee-bps overrides the file', () => {
    const a = runRequest({ ...req, strategies: ['band:0.02'], feeBps: 0 });
    assert.equal(a.options.costs.feeBps, 0);
    assert.equal(a.results[0]!.metrics.fees, 0);
  });

  it('a CSV column named like the config’s quote is an error naming it', () => {
    assert.throws(
      () => runRequest({ ...req, configDoc: { ...doc, quote: 'ETH', target: { BTC: 0.7, ETH: 0.3 } }, strategies: [] }),
      /column "ETH", the cash asset/,
    );
  });
});
