import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { UsageError } from '../io.ts';
import { runPlan } from './plan.ts';

// In-process tests of `ballast plan` (main.test.ts spawns the real binary for exit codes).
const dir = mkdtempSync(join(tmpdir(), 'ballast-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}
const balances = file('balances.json', { BTC: 1.25, ETH: 10, USDT: 1500 });
const prices = file('prices.json', { BTC: 60000, ETH: 3000 });
const good = 'quote: USDT\ntarget: { BTC: 0.5, ETH: 0.3, USDT: 0.2 }\n';
const opts = (config: string, extra: Record<string, unknown> = {}) => ({
  config,
  balances,
  prices,
  mode: 'full',
  ...extra,
});

function inputLines(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e.message.split('\n');
  }
  assert.fail('expected an InputError');
}

describe('ballast plan (in process)', () => {
  it('bad balances and prices: every problem named with its file', () => {
    const cfg = file('good.yaml', good);
    const b = file('neg.json', { BTC: -1, ETH: 10, DOGE: 2 });
    const p = file('px.json', { BTC: 0, ETH: 3000, USDT: 2 });
    const lines = inputLines(() => runPlan({ ...opts(cfg), balances: b, prices: p }));
    assert.ok(lines.includes(`${b}: BTC: quantity -1 is negative, expected ≥ 0`), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`${b}: DOGE: held but not in the target`)));
    assert.ok(lines.includes(`${p}: BTC: price 0 must be > 0`));
    assert.ok(lines.includes(`${p}: USDT: the quote's price is 1 by definition, got 2`));
  });
  it('unreadable and malformed files name the file', () => {
    const cfg = file('good2.yaml', good);
    assert.match(inputLines(() => runPlan(opts(join(dir, 'nope.yaml'))))[0]!, /nope\.yaml: does not exist/);
    const broken = file('broken.json', '{ "BTC": ');
    assert.match(inputLines(() => runPlan({ ...opts(cfg), balances: broken }))[0]!, /broken\.json: not valid JSON/);
    const arr = file('arr.json', [1, 2]);
    assert.match(inputLines(() => runPlan({ ...opts(cfg), prices: arr }))[0]!, /arr\.json: expected a JSON object/);
  });
  it('bad usage throws UsageError (exit 2): bad mode, missing files, calendar without dates', () => {
    const cal = file('cal.yaml', `${good}trigger: { type: hybrid, period: week, band: 0.05 }\n`);
    assert.throws(() => runPlan({ ...opts(file('g3.yaml', good)), mode: 'greedy' }), UsageError);
    assert.throws(() => runPlan({ mode: 'full', balances }), /missing --config/);
    assert.throws(() => runPlan({ ...opts(cal), now: '2016-01-04' }), /hybrid trigger needs --last/);
    assert.throws(() => runPlan({ ...opts(cal), last: 'yesterday', now: '2016-01-04' }), /--last: "yesterday"/);
  });
  it('calendar: fires on a new ISO week, holds within one; trades are always the plan', () => {
    const cal = file('cal2.yaml', `${good}trigger: { type: calendar, period: week }\n`);
    const fire = runPlan({ ...opts(cal), last: '2016-01-03', now: '2016-01-04' }).json;
    assert.equal(fire.rebalance, true);
    assert.match(fire.reason, /new week 2016-W01/);
    const hold = runPlan({ ...opts(cal), last: '2015-12-31', now: '2016-01-01' }).json;
    assert.equal(hold.rebalance, false);
    assert.equal(hold.reason, 'calendar: still week 2015-W53');
    assert.deepEqual(hold.trades, fire.trades);
    assert.ok(hold.trades.length > 0);
  });
  it('no trigger: rebalance true, "no trigger: plan on demand"', () => {
    const j = runPlan(opts(file('plain.yaml', good))).json;
    assert.equal(j.rebalance, true);
    assert.equal(j.reason, 'no trigger: plan on demand');
    assert.equal(j.cost, 0);
    assert.deepEqual(j.after, { BTC: 0.5, ETH: 0.3, USDT: 0.2 });
  });
  it('every mode of the example keeps exactly the JSON keys', () => {
    for (const mode of ['full', 'edge', 'auto']) {
      const j = runPlan({ example: true, mode }).json;
      assert.deepEqual(Object.keys(j).sort(), [
        'after',
        'before',
        'cost',
        'mode',
        'reason',
        'rebalance',
        'skipped',
        'trades',
      ]);
      for (const t of j.trades)
        assert.deepEqual(Object.keys(t).sort(), ['asset', 'cost', 'notional', 'quantity', 'side']);
      if (mode === 'auto') assert.ok(j.mode === 'full' || j.mode === 'edge', `auto says what it chose: ${j.mode}`);
      else assert.equal(j.mode, mode);
    }
  });
  it('scaling notes go into the reason', () => {
    const cfg = file('turn.yaml', `${good}constraints: { maxTurnover: 0.1 }\n`);
    const j = runPlan(opts(cfg)).json;
    assert.match(j.reason, /; every trade scaled by 0\.\d+ to keep turnover within maxTurnover 0\.1$/);
  });
  it('REBALANCE says why when the cost-aware benefit does not exceed the cost (issue #16)', () => {
    // BTC at 55.6 % (a band of 5 points): the band fires, but so small a drift is worth less than its fee.
    const cfg = file('small.yaml', `${good}trigger: { type: band, band: 0.05 }\ncosts: { feeBps: 10 }\n`);
    const b = file('small-b.json', { BTC: 1, ETH: 10, USDT: 18_100 });
    const r = runPlan({ ...opts(cfg), balances: b }).json;
    assert.equal(r.rebalance, true);
    assert.match(
      r.reason,
      /^band: .*; the estimated benefit [\d.,]+ is not above the estimated cost [\d.,]+: it rebalances because the band trigger fired \(a costaware trigger weighs the two\)$/,
    );
    // A large drift is worth its cost: no such note.
    const big = runPlan({ example: true, mode: 'full' }).json;
    assert.equal(big.rebalance, true);
    assert.doesNotMatch(big.reason, /benefit/);
  });
  it('goes through the cycle decision: a firing trigger whose every trade is skipped holds', () => {
    // minNotional above every trade: the planner skips both legs, so the core's decision has nothing to send.
    const big = 'constraints: { assets: { BTC: { minNotional: 1000000 }, ETH: { minNotional: 1000000 } } }\n';
    const r = runPlan(opts(file('skipall.yaml', `${good}${big}`)));
    assert.equal(r.json.rebalance, false);
    assert.deepEqual(r.json.trades, []);
    assert.equal(r.json.skipped.length, 2);
    assert.equal(r.json.reason, 'no trigger: plan on demand; nothing to send: every trade was skipped');
    assert.match(r.text, /^hold: no trigger: plan on demand; nothing to send/);
  });
});
