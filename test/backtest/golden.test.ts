/**
 * Golden run: the engine against the independent reference script (test/reference/backtest-reference.mjs,
 * which imports nothing from src/) on the bundled real data, every metric to 1e-9 relative.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUNDLED_PRICES, runRequest } from '../../src/backtest/request.ts';
import { jsonRuns } from '../../src/cli/commands/backtest.ts';
import { sameMetrics } from './close.ts';

const REFERENCE = join(import.meta.dirname, '..', 'reference', 'backtest-reference.mjs');
const STRATEGIES = ['hodl', 'band:0.05', 'band:0.02', 'calendar:month', 'calendar:day'];

interface Run {
  strategy: string;
  finalValue: number;
  totalReturn: number;
  cagr: number | null;
  volatility: number | null;
  sharpe: number | null;
  maxDrawdown: number;
  rebalances: number;
  fees: number;
  turnover: number;
}

function reference(target: string, feeBps: number, capital: number, lag: 0 | 1): Run[] {
  const args = [REFERENCE, '--prices', BUNDLED_PRICES, '--target', target, '--fee-bps', String(feeBps)];
  args.push('--capital', String(capital), '--lag', String(lag), ...STRATEGIES.flatMap((s) => ['--strategy', s]));
  return (JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as { runs: Run[] }).runs;
}

function engine(target: string, feeBps: number, capital: number, lag: 0 | 1): Run[] {
  const run = runRequest({
    target,
    strategies: STRATEGIES,
    capital,
    feeBps,
    periodsPerYear: 365,
    fill: 'none',
    lag,
  });
  return jsonRuns(run).runs;
}

const CASES: Array<{ target: string; feeBps: number; capital: number; lag: 0 | 1 }> = [
  { target: 'BTC=0.4,ETH=0.3,BNB=0.1,XRP=0.1,USD=0.1', feeBps: 10, capital: 1_000_000, lag: 0 },
  // no cash in the target (USD implicit at weight 0), a later start (the window opens when all are priced)
  { target: 'BTC=0.35,ETH=0.25,ADA=0.2,DOGE=0.1,LTC=0.1', feeBps: 10, capital: 250_000, lag: 0 },
  { target: 'ETH=0.6,XRP=0.15,USD=0.25', feeBps: 0, capital: 1_000_000, lag: 0 },
  // --lag 1: decide at close t, trade at close t+1
  { target: 'BTC=0.4,ETH=0.3,BNB=0.1,XRP=0.1,USD=0.1', feeBps: 10, capital: 1_000_000, lag: 1 },
];

describe('golden: engine vs the independent reference on examples/data/crypto-daily.csv', () => {
  for (const c of CASES) {
    it(`${c.target}, ${c.feeBps} bps, lag ${c.lag}: every metric within 1e-9`, () => {
      const want = reference(c.target, c.feeBps, c.capital, c.lag);
      const got = engine(c.target, c.feeBps, c.capital, c.lag);
      assert.deepEqual(
        got.map((r) => r.strategy),
        STRATEGIES,
      );
      assert.equal(want.length, got.length);
      for (let k = 0; k < got.length; k++) sameMetrics(got[k]!, want[k]!, 1e-9, `${c.target} ${got[k]!.strategy}`);
      // the runs are not trivial: the bands and calendars trade
      assert.ok(got[1]!.rebalances > 5 && got[3]!.rebalances > 20, 'rebalances happen');
    });
  }
});
