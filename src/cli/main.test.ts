import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ballast } from '../../test/support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'ballast-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const balances = file('balances.json', { BTC: 1.25, ETH: 10, USDT: 1500 });
const prices = file('prices.json', { BTC: 60000, ETH: 3000 });
const good = 'quote: USDT\ntarget: { BTC: 0.5, ETH: 0.3, USDT: 0.2 }\n';

// Each test spawns node (about 1.5 s of CPU each): two at a time, as many as the machine has cores.
describe('ballast CLI (spawned)', { concurrency: 2 }, () => {
  it('plan --example prints the table and totals', async () => {
    const r = await ballast('plan', '--example');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^REBALANCE: band: BTC weight 70\.42%/);
    assert.match(r.stdout, /asset\s+weight\s+target\s+drift\s+side\s+quantity\s+notional \(USDT\)\s+est\. cost/);
    assert.match(r.stdout, /value 106,500\.00 USDT; 2 trade\(s\)/);
  });
  it('plan --example --json: exactly one object with exactly the documented keys', async () => {
    const r = await ballast('plan', '--example', '--json');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const j = JSON.parse(lines[0]!) as Record<string, unknown>;
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
    assert.equal(j.rebalance, true);
    assert.equal(typeof j.reason, 'string');
    assert.equal(typeof j.cost, 'number');
    const trades = j.trades as Record<string, unknown>[];
    assert.ok(trades.length > 0);
    for (const t of trades) {
      assert.deepEqual(Object.keys(t).sort(), ['asset', 'cost', 'notional', 'quantity', 'side']);
      assert.ok((t.quantity as number) > 0);
      assert.ok(t.side === 'buy' || t.side === 'sell');
      assert.notEqual(t.asset, 'USDT');
    }
    const prices: Record<string, number> = { BTC: 60000, ETH: 3000 };
    for (const t of trades) assert.equal(t.notional, (t.quantity as number) * prices[t.asset as string]!);
    const sides = trades.map((t) => t.side);
    assert.deepEqual(
      sides,
      [...sides].sort((a, b) => (a === b ? 0 : a === 'sell' ? -1 : 1)),
      'sells first',
    );
    assert.deepEqual(Object.keys(j.before as object).sort(), ['BTC', 'ETH', 'USDT']);
    assert.deepEqual(Object.keys(j.after as object).sort(), ['BTC', 'ETH', 'USDT']);
    assert.deepEqual(j.skipped, []);
  });
  it('bad config: exit 1, one line naming the file and the field', async () => {
    const cfg = file('bad.yaml', 'quote: USDT\ntarget: { BTC: 0.5, ETH: 0.25, USDT: 0.2 }\n');
    const r = await ballast('plan', '--config', cfg, '--balances', balances, '--prices', prices);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${cfg}: target: weights sum to 0.95, expected 1\n`);
  });
  it('bad usage: exit 2 (unknown flag, bad --mode, a calendar trigger without --last/--now)', async () => {
    const cal = file('cal0.yaml', `${good}trigger: { type: calendar, period: week }\n`);
    const flag = await ballast('plan', '--example', '--frobnicate');
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /unknown option '--frobnicate'/);
    const mode = await ballast('plan', '--example', '--mode', 'greedy');
    assert.equal(mode.code, 2);
    assert.match(mode.stderr, /--mode: expected full, edge or auto, got "greedy"/);
    const none = await ballast('plan', '--config', cal, '--balances', balances, '--prices', prices);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /needs --last DATE .* and --now DATE/);
  });
  it('--debug (anywhere, or BALLAST_DEBUG=1) adds the stack under the same first line; without it, none', async () => {
    const missing = join(dir, 'nope.yaml');
    const plain = await ballast('plan', '--config', missing, '--balances', balances, '--prices', prices);
    assert.equal(plain.code, 1);
    assert.equal(plain.stderr, `${missing}: does not exist\n`);
    const dbg = await ballast('plan', '--debug', '--config', missing, '--balances', balances, '--prices', prices);
    assert.equal(dbg.code, 1, 'the exit code does not change');
    const lines = dbg.stderr.trimEnd().split('\n');
    assert.equal(lines[0], `${missing}: does not exist`);
    assert.ok(lines.length > 2 && lines.slice(1).every((l) => /^\s+at /.test(l)), dbg.stderr);
    const usage = await ballast('plan', '--example', '--mode', 'greedy', '--debug');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^ballast: --mode: expected full, edge or auto, got "greedy"\n\s+at /);
  });
  it('serve --replay --json prints one object with the replay figures (issue #17 item 2)', async () => {
    const r = await ballast(
      'serve',
      '--paper',
      '--replay',
      'examples/data/crypto-daily.csv',
      '--start',
      '2024-01-01',
      '--end',
      '2024-03-31',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no progress bar around the JSON');
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(j).sort(), [
      'cycles',
      'fees',
      'finalValue',
      'hodl',
      'portfolioId',
      'rebalances',
      'twr',
    ]);
    assert.equal(j.cycles, 91, 'one cycle per daily bar of Q1 2024');
    assert.ok((j.finalValue as number) > 0 && (j.hodl as number) > 0);
    assert.ok(Number.isInteger(j.rebalances) && (j.fees as number) >= 0);
  });
  it('schema prints a strict JSON Schema', async () => {
    const r = await ballast('schema');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(s.type, 'object');
    assert.equal(s.additionalProperties, false);
    assert.deepEqual([...(s.required as string[])].sort(), ['quote', 'target']);
    const props = s.properties as Record<string, Record<string, unknown>>;
    for (const k of ['quote', 'target', 'trigger', 'costs', 'constraints', 'ignore']) assert.ok(k in props, k);
    assert.equal(props.costs!.additionalProperties, false);
  });
});
