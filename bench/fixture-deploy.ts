/**
 * The chain fixture's size and deployment time (docs/chain.md, docs/benchmarks.md "Aave v3 on the fixture"):
 * deploys the whole fixture on a fresh anvil, then counts the transactions in every block.
 *   node --import tsx bench/fixture-deploy.ts
 */
import { performance } from 'node:perf_hooks';
import { startAnvil } from '../src/chain/anvil.ts';
import { localClients } from '../src/chain/client.ts';
import { deployFixture } from '../src/chain/fixture/deploy.ts';

const node = await startAnvil();
try {
  const t0 = performance.now();
  await deployFixture({ rpcUrl: node.rpcUrl });
  const ms = performance.now() - t0;
  const pub = localClients(node.rpcUrl).public;
  const head = await pub.getBlockNumber({ cacheTime: 0 });
  let txs = 0;
  for (let b = 0n; b <= head; b++) txs += await pub.getBlockTransactionCount({ blockNumber: b });
  console.log(`fixture: ${txs} transactions in ${head} blocks, deployed in ${(ms / 1000).toFixed(2)} s`);
} finally {
  await node.stop();
}
