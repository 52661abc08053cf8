/**
 * Issue #25 item 2 end to end on anvil: two wallets' opposite intents (a sell of WETH, a buy of WETH, through
 * the intent venue) settled in one batch auction; each venue's lookup shows the fill explained (WETH matched
 * inside the settlement vs routed), and the journal (a real SQLite file) keeps the explanation with the fill.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEther } from 'viem';
import { feedsOf, refreshFeeds } from '../../chain/intents/testing/cow-scenario.ts';
import { type IntentWorld, startIntentWorld } from '../../chain/intents/testing/world.ts';
import { intent, journalWithPortfolio } from '../../store/testing/fixtures.ts';
import { createIntentsVenue } from './config.ts';
import { intentsConfig } from './testing/config.ts';

const clock = { now: () => 0 };

describe('intent venue: a batch auction fill is explained in the lookup and the journal', () => {
  let w: IntentWorld;
  let dir: string;
  before(async () => {
    w = await startIntentWorld();
    await refreshFeeds(w);
    dir = mkdtempSync(join(tmpdir(), 'ballast-cow-venue-'));
  });
  after(async () => {
    await w?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sell 1 WETH and buy 0.6 WETH: 0.6 matched internally for both, the seller’s 0.4 routed', async () => {
    const a = await w.owner({ WETH: parseEther('1') });
    const b = await w.owner({ USDC: 2_000n * 10n ** 6n });
    const venue = (key: `0x${string}`) =>
      createIntentsVenue(intentsConfig(w), { clock, env: { INTENT_WALLET_KEY: key } });
    const va = venue(a.key);
    const vb = venue(b.key);
    const common = { asset: 'WETH', quote: 'USDC', type: 'limit' as const, referencePrice: 3000 };
    await va.place({ ...common, clientOrderId: 'cow-sell', side: 'sell', quantity: 1, limitPrice: 2970 });
    await vb.place({ ...common, clientOrderId: 'cow-buy', side: 'buy', quantity: 0.6, limitPrice: 3030 });
    const { solveOnce } = await import('../../chain/intents/solve.ts');
    const outs = await solveOnce(w.solver, { send: true, batch: { feeds: feedsOf(w), maxDeviationBps: 100 } });
    assert.deepEqual(
      outs.map((o) => o.status),
      ['settled', 'settled'],
      JSON.stringify(outs.map((o) => o.reason)),
    );
    const sa = await va.lookup('cow-sell');
    const sb = await vb.lookup('cow-buy');
    assert.equal(sa.status, 'filled');
    assert.equal(sb.status, 'filled');
    const ea = sa.fills[0]!.explanation!;
    const eb = sb.fills[0]!.explanation!;
    assert.ok(Math.abs(eb.matched - 0.6) < 1e-12 && eb.routed === 0, JSON.stringify(eb));
    assert.ok(Math.abs(ea.matched - 0.6) < 1e-12, JSON.stringify(ea));
    assert.ok(Math.abs(ea.matched + ea.routed - sa.filledQuantity) < 1e-12, 'matched + routed = the fill');
    // the journal keeps it with the fill
    const j = journalWithPortfolio(join(dir, 'journal.db'));
    try {
      j.cycles.start('main', 0);
      const { clientOrderId } = j.orders.commitIntent(intent({ quantity: sa.filledQuantity }));
      j.orders.markSent(clientOrderId, 1);
      j.orders.recordFill(clientOrderId, sa.fills[0]!, 2);
      const [f] = j.orders.fills(clientOrderId);
      assert.deepEqual([f?.matched, f?.routed], [ea.matched, ea.routed]);
    } finally {
      j.close();
    }
  });
});
