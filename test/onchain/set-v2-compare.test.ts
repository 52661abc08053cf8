/**
 * Issue #21 item 4, the figures' guard: the comparison of bench/set-v2.bench.ts run end to end on the fixture.
 * Every side reaches 50/50 within 0.1 point; what the pools gained at the oracles is what the holder lost (the
 * fee/impact split is read from the right place); Ballast sends fewer rebalance transactions with less gas than
 * every Set v2 setting, and loses no more at the oracles than the best of them.
 * Run: node --import tsx --test test/onchain/set-v2-compare.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Comparison, compareSetV2, SET_VARIANTS, type SideResult } from '../../bench/set-v2/compare.ts';
import type { AnvilNode } from '../../src/chain/anvil.ts';
import { startFixtureNode } from '../../src/chain/fixture/cache.ts';
import type { Fixture } from '../../src/chain/fixture/types.ts';

let node: AnvilNode;
let fx: Fixture;
before(async () => {
  ({ node, fixture: fx } = await startFixtureNode());
});
after(() => node?.stop());

test('Set v2 and Ballast rebalance the same $1M basket 60/40 → 50/50; Ballast fewer txs, less gas, no more lost', async () => {
  const c: Comparison = await compareSetV2(fx);
  assert.equal(c.rows.length, SET_VARIANTS.length + 1);
  const rows = c.rows.map((r) => {
    assert.ok(!('failed' in r), `${r.name}: ${'failed' in r ? r.failed : ''}`);
    return r as SideResult;
  });
  for (const r of rows) {
    assert.ok(Math.abs(r.valueBeforeUsd - 1_000_000) < 1, `${r.name}: starts at ${r.valueBeforeUsd}`);
    assert.ok(Math.abs(r.weightsBefore[0]! - 0.6) < 1e-6, `${r.name}: starts at ${r.weightsBefore}`);
    assert.ok(Math.abs(r.weightsAfter[0]! - 0.5) < 1e-3, `${r.name}: ends at ${r.weightsAfter}`);
    assert.ok(
      Math.abs(r.holderLossUsd - r.costs.lossUsd) < 0.01,
      `${r.name}: ${r.holderLossUsd} vs ${r.costs.lossUsd}`,
    );
    assert.ok(r.costs.feesUsd > 0 && r.costs.lossUsd > r.costs.feesUsd * 0.5, `${r.name}: ${JSON.stringify(r.costs)}`);
  }
  const ballast = rows.at(-1)!;
  assert.equal(ballast.rebalanceTxs, 1);
  for (const s of rows.slice(0, -1)) {
    assert.ok(s.rebalanceTxs > ballast.rebalanceTxs, `${s.name}: ${s.rebalanceTxs} txs`);
    assert.ok(s.rebalanceGas > ballast.rebalanceGas, `${s.name}: ${s.rebalanceGas} gas vs ${ballast.rebalanceGas}`);
    assert.ok(
      ballast.costs.lossUsd <= s.costs.lossUsd,
      `${s.name}: lost ${s.costs.lossUsd} vs ${ballast.costs.lossUsd}`,
    );
  }
});
