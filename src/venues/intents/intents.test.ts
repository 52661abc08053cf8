/**
 * The venue contract wired for the intent venue (issue #24): each case gets a fresh 0-ETH wallet on anvil
 * with the fixture's real GPv2Settlement, a local order book, and the solver running in service mode, so
 * a market order is signed, posted and settled before `place` returns.
 */
import { after, before } from 'node:test';
import { runSolver, type SolverLoop } from '../../chain/intents/service.ts';
import { type IntentWorld, startIntentWorld } from '../../chain/intents/testing/world.ts';
import { venueContract } from '../contract/venue-contract.ts';
import { createIntentsVenue } from './config.ts';
import { intentsConfig } from './testing/config.ts';

let w: IntentWorld;
let loop: SolverLoop;
before(async () => {
  w = await startIntentWorld();
  loop = runSolver(w.solver, { send: true, intervalMs: 100 });
});
after(async () => {
  await loop?.stop();
  await w?.close();
});

const clock = { now: () => Date.UTC(2026, 0, 1) };

venueContract('intents', async () => {
  const owner = await w.owner({ USDC: 10_000n * 10n ** 6n, WETH: 10n ** 18n });
  const env = { INTENT_WALLET_KEY: owner.key };
  const cfg = intentsConfig(w);
  const venue = createIntentsVenue(cfg, { clock, env });
  return {
    venue,
    market: { asset: 'WETH', quote: 'USDC', price: 3000, lotStep: 0.0001, minNotional: 10 },
    initial: { USDC: 10_000, WETH: 1 },
    restart: async () => createIntentsVenue(cfg, { clock, env }),
    // a limit far below the market: the solver finds no route that meets it, so it rests open
    resting: (o) => ({ ...o, type: 'limit', limitPrice: 1 }),
    close: async () => {},
  };
});
