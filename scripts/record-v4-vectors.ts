/**
 * Records regression vectors for the Uniswap v4 math: the state of three fixture v4 pools as src/dex/state reads
 * them (PoolManager extsload) and, per pool, 12 seeded swaps with the chain's output (an eth_call of a real swap
 * through V4SwapsHarness), into src/dex/pools/fixtures/v4-vectors.json. Run: node --import tsx scripts/record-v4-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import { localClients, txSender } from '../src/chain/client.ts';
import { startFixtureNode } from '../src/chain/fixture/cache.ts';
import { createV4Pool } from '../src/dex/pools/uniswap-v4.ts';
import { readV4PoolStates } from '../src/dex/state/read-v4.ts';
import { logUniform, prng } from '../test/chain/harness.ts';
import { deployHarness, pathArg, simulateSwap } from '../test/chain/v4.ts';

const { node, fixture } = await startFixtureNode();
try {
  const c = localClients(node.rpcUrl);
  const harness = await deployHarness(txSender(c), fixture);
  const block = await c.public.getBlockNumber();
  const pools = fixture.v4Pools.filter((p) =>
    ['UniV4 WETH/USDC 0.05%', 'UniV4 WBTC/WETH 0.3%', 'UniV4 LINK/WETH 1%'].includes(p.label),
  );
  const { states } = await readV4PoolStates(
    { client: c.public, poolManager: fixture.contracts.v4PoolManager },
    pools,
    block,
  );
  const rand = prng(7007);
  const out = [];
  for (const [k, p] of pools.entries()) {
    const s = states[k]!;
    const swaps = [];
    for (let i = 0; i < 12; i++) {
      const zeroForOne = i % 2 === 0;
      const [tokenIn, tokenOut] = zeroForOne ? [s.token0, s.token1] : [s.token1, s.token0];
      const all = createV4Pool(s).swap(tokenIn, tokenOut, 1n << 200n).amountOut;
      const p2 = s.sqrtPriceX96 * s.sqrtPriceX96;
      const cap = (zeroForOne ? (all << 192n) / p2 : (all * p2) >> 192n) / 2n;
      const amountIn = logUniform(rand, cap);
      const [chainOut] = await simulateSwap(c, harness, [pathArg([{ pool: p, tokenIn }], amountIn)], block);
      swaps.push({ tokenIn, tokenOut, amountIn: String(amountIn), chainOut: String(chainOut) });
    }
    out.push({ label: p.label, state: s, swaps });
  }
  writeFileSync(
    new URL('../src/dex/pools/fixtures/v4-vectors.json', import.meta.url),
    `${JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v), 1)}\n`,
  );
  console.log(`recorded ${out.length} v4 pools, ${out.length * 12} swaps`);
} finally {
  await node.stop();
}
