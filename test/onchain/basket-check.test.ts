/**
 * The off-chain rebalance check (src/chain/basket/check.ts, issue #21 item 1) agrees with the contract: on random
 * states (time since the last rebalance, stale feeds, caller, band, loss and turnover limits) and routed legs
 * (fraction of the way to the targets, slippage), `checkBasketRebalance` names the same error the basket's
 * `rebalance` reverts with when simulated at the same block, and passes exactly when the contract accepts.
 * BASKET_CHECK_RUNS sets the number of runs (default 20).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { Address } from 'viem';
import { planBasketRebalance } from '../../src/chain/basket/keeper-legs.ts';
import { readBasket } from '../../src/chain/basket/read.ts';
import { ACCOUNT1, basketRevert, basketSend, deployTestBasket, refreshFeeds, warp } from './basket-world.ts';
import { startWorld, type World } from './setup.ts';

const RUNS = Number(process.env.BASKET_CHECK_RUNS ?? 20);
const E18 = 10n ** 18n;

let w: World;
let basket: Address;
let base: `0x${string}`;

before(async () => {
  w = await startWorld();
  await refreshFeeds(w);
  basket = await deployTestBasket(w, {
    symbols: ['WETH', 'USDC', 'WBTC'],
    targetBps: [3334, 3333, 3333],
    genesisBps: [5000, 2500, 2500],
  });
  await basketSend(w, basket, 'issue', [200n * E18, w.account.address]);
  base = await w.clients.test.snapshot();
});
after(async () => {
  await w?.node.stop();
});

test('the off-chain check names the error the contract reverts with, and passes exactly when it accepts', async () => {
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        // mostly due, fresh and the keeper, so that the legs' checks are reached too
        warpSec: fc.oneof(
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 8000 }) },
          { weight: 6, arbitrary: fc.integer({ min: 3600, max: 3700 }) },
        ),
        refresh: fc.integer({ min: 0, max: 5 }).map((x) => x > 0),
        outsider: fc.integer({ min: 0, max: 7 }).map((x) => x === 0),
        bandAbsBps: fc.integer({ min: 1, max: 2500 }),
        maxLossBps: fc.integer({ min: 0, max: 100 }),
        maxTurnoverBps: fc.integer({ min: 0, max: 10_000 }),
        fraction: fc.double({ min: 0.05, max: 2.5, noNaN: true }),
        slippageBps: fc.integer({ min: 60, max: 300 }),
      }),
      async (r) => {
        try {
          const s = await readBasket(w.clients.public, basket);
          const p = {
            ...s.profile,
            bandAbsBps: r.bandAbsBps,
            maxLossBps: r.maxLossBps,
            maxTurnoverBps: r.maxTurnoverBps,
          };
          await basketSend(w, basket, 'proposeProfile', [p]);
          await warp(w, r.warpSec);
          if (r.refresh) await refreshFeeds(w);
          const caller = r.outsider ? ACCOUNT1 : w.account.address;
          let plan: Awaited<ReturnType<typeof planBasketRebalance>>;
          try {
            plan = await planBasketRebalance(w.clients.public, w.fx, basket, {
              caller,
              maxSlippageBps: r.slippageBps,
              fraction: r.fraction,
            });
          } catch {
            seen.set('unplanned', (seen.get('unplanned') ?? 0) + 1);
            return; // the router refused to build legs: nothing to compare
          }
          const onchain = await basketRevert(w, basket, 'rebalance', [plan.legs, plan.minOuts, plan.deadline], caller);
          const offchain = plan.check.ok ? 'ok' : plan.check.error;
          seen.set(offchain, (seen.get(offchain) ?? 0) + 1);
          assert.equal(offchain, onchain, `${JSON.stringify(r)}: ${plan.check.ok ? 'ok' : plan.check.message}`);
        } finally {
          await w.clients.test.revert({ id: base });
          base = await w.clients.test.snapshot();
        }
      },
    ),
    { numRuns: RUNS, seed: Number(process.env.BASKET_CHECK_SEED ?? 21) },
  );
  console.log(`verdicts: ${JSON.stringify(Object.fromEntries(seen))}`);
  assert.ok(seen.size >= 2, 'both accepted and refused rebalances were compared');
});
