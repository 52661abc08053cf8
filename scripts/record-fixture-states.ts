/**
 * Records the chain fixture's 25 pool states (as src/dex/state reads them) and its token list into
 * src/dex/router/joint/fixtures/fixture-states.json, for the joint router's offline tests and benchmark
 * (issue #18: "pool states in memory"). Run: node --import tsx scripts/record-fixture-states.ts
 */
import { writeFileSync } from 'node:fs';
import { localClients } from '../src/chain/client.ts';
import { startFixtureNode } from '../src/chain/fixture/cache.ts';
import { readPoolStates } from '../src/dex/state/index.ts';

const { node, fixture } = await startFixtureNode();
try {
  const client = localClients(node.rpcUrl).public;
  const snap = await readPoolStates(
    { client, v3TickLens: fixture.contracts.v3TickLens, balancerVault: fixture.contracts.balancerVault },
    fixture.pools,
  );
  const out = {
    recorded: new Date().toISOString(),
    tokens: fixture.tokens.map((t) => ({
      symbol: t.symbol,
      address: t.address,
      decimals: t.decimals,
      priceUsd: t.priceUsd,
    })),
    pools: fixture.pools.map((p) => ({ label: p.label, address: p.address })),
    weth: fixture.contracts.weth9,
    states: snap.states,
  };
  writeFileSync(
    new URL('../src/dex/router/joint/fixtures/fixture-states.json', import.meta.url),
    `${JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v), 1)}\n`,
  );
  console.log(`recorded ${snap.states.length} pool states`);
} finally {
  await node.stop();
}
