/**
 * Issue #22 item 3: the idle sleeve's yield in a backtest equals a hand computation (docs/backtest.md,
 * "Idle assets earning a supply rate"), through runRequest and through the real CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runRequest } from '../../src/backtest/request.ts';
import { ballast } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-idle-yield-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const prices = join(dir, 'prices.csv');
// ETH at 1,000 for two days, then 2,000.
writeFileSync(prices, 'date,ETH\n2024-01-01,1000\n2024-01-02,1000\n2024-01-03,2000\n');

const base = {
  prices,
  target: 'ETH=0.5,USD=0.5',
  strategies: ['hodl'],
  capital: 1000,
  feeBps: 0,
  periodsPerYear: 365,
  fill: 'none' as const,
  lag: 0 as const,
};

// Half of each holding supplied; USD at 3.65% a year, ETH at 7.3%: one day grows the supplied half by
// 0.0365 / 365 = 0.0001 (USD) and 0.0002 (ETH), so the whole holding by 1.00005 and 1.0001 a day.
const HAND = [1000, 500 * 1.00005 + 500 * 1.0001, 500 * 1.00005 ** 2 + 0.5 * 2000 * 1.0001 ** 2];

test('hodl with a 50% sleeve: equity = 500 × 1.00005^t + ½ ETH × price × 1.0001^t', () => {
  const run = runRequest({ ...base, idleShare: 0.5, supplyRate: 'USD=0.0365,ETH=0.073' });
  const eq = run.results[0]!.equity;
  assert.equal(eq.length, 3);
  for (let t = 0; t < 3; t++) assert.ok(Math.abs(eq[t]! - HAND[t]!) < 1e-9, `bar ${t}: ${eq[t]} vs ${HAND[t]}`);
  assert.ok(Math.abs(run.results[0]!.metrics.finalValue - HAND[2]!) < 1e-9);
  // without the sleeve: no yield
  const plain = runRequest(base).results[0]!.equity;
  assert.deepEqual([...plain], [1000, 1000, 1500]);
});

test('a CSV rate path: the latest row at or before a bar applies during that bar', () => {
  const rates = join(dir, 'rates.csv');
  // USD earns 3.65% on the first day, 0 from 2024-01-02 on; ETH nothing.
  writeFileSync(rates, 'date,USD,ETH\n2024-01-01,0.0365,0\n2024-01-02,0,0\n');
  const eq = runRequest({ ...base, idleShare: 0.5, supplyRate: rates }).results[0]!.equity;
  const hand = [1000, 500 * 1.00005 + 500, 500 * 1.00005 + 1000];
  for (let t = 0; t < 3; t++) assert.ok(Math.abs(eq[t]! - hand[t]!) < 1e-9, `bar ${t}: ${eq[t]} vs ${hand[t]}`);
});

test('CLI: --idle-share and --supply-rate give the hand figure; one without the other, or a bad rate, is a usage error', async () => {
  const args = ['backtest', '--prices', prices, '--target', 'ETH=0.5,USD=0.5', '--strategy', 'hodl'];
  const common = [...args, '--capital', '1000', '--fee-bps', '0', '--json'];
  const ok = await ballast(...common, '--idle-share', '0.5', '--supply-rate', 'USD=0.0365,ETH=0.073');
  assert.equal(ok.code, 0, ok.stderr);
  const j = JSON.parse(ok.stdout) as { runs: { finalValue: number }[] };
  assert.ok(Math.abs(j.runs[0]!.finalValue - HAND[2]!) < 1e-9);
  for (const [extra, msg] of [
    [['--idle-share', '0.5'], /--idle-share needs --supply-rate/],
    [['--supply-rate', 'USD=0.05'], /--supply-rate needs --idle-share/],
    [['--idle-share', '1.5', '--supply-rate', 'USD=0.05'], /--idle-share: must be in \[0, 1\]/],
    [['--idle-share', '0.5', '--supply-rate', 'BTC=0.05'], /--supply-rate: asset "BTC" is not in the target/],
    [['--idle-share', '0.5', '--supply-rate', 'USD=abc'], /--supply-rate: rate "abc" is not an APR/],
  ] as const) {
    const r = await ballast(...common, ...extra);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('bundled data: a 0 share changes nothing; a positive rate on every asset only adds (rebalancing strategies too)', () => {
  const req = {
    strategies: ['band:0.05', 'calendar:month'],
    capital: 1_000_000,
    periodsPerYear: 365,
    fill: 'none' as const,
    lag: 0 as const,
  };
  const plain = runRequest(req).results;
  const zero = runRequest({ ...req, idleShare: 0, supplyRate: 'USD=0.05,BTC=0.02' }).results;
  const earning = runRequest({
    ...req,
    idleShare: 0.5,
    supplyRate: 'USD=0.05,BTC=0.01,ETH=0.02,BNB=0.01,XRP=0.01',
  }).results;
  for (const [k, r] of plain.entries()) {
    assert.deepEqual([...zero[k]!.equity], [...r.equity], r.strategy);
    assert.ok(earning[k]!.metrics.finalValue > r.metrics.finalValue, r.strategy);
  }
});
