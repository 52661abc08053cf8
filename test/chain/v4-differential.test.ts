/**
 * Uniswap v4 pool math (src/dex/pools/uniswap-v4.ts) and state reads (src/dex/state/read-v4.ts, PoolManager
 * extsload) against the real PoolManager on anvil: V4_DIFF_SWAPS (default 2,000) seeded swaps, sizes log-uniform
 * from 1e-6 to 50% of the pool's output-token liquidity (valued at spot), both directions, over every v4 pool of
 * the fixture, each run as an eth_call of V4SwapsHarness.swap at one block; then V4_SEQ_SWAPS (default 30) real
 * swaps in sequence, the state re-read after each, the owner's balance change compared.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Address, parseAbi } from 'viem';
import type { AnvilNode } from '../../src/chain/anvil.ts';
import { type LocalClients, localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { startFixtureNode } from '../../src/chain/fixture/cache.ts';
import type { Fixture, FixtureV4Pool } from '../../src/chain/fixture/types.ts';
import type { V4State } from '../../src/dex/pools/types.ts';
import { createV4Pool } from '../../src/dex/pools/uniswap-v4.ts';
import { readV4PoolStates } from '../../src/dex/state/read-v4.ts';
import { logUniform, prng } from './harness.ts';
import { deployHarness, harnessAbi, pathArg, simulateSwap } from './v4.ts';

const SWAPS = Number(process.env.V4_DIFF_SWAPS ?? 2000);
const SEQ = Number(process.env.V4_SEQ_SWAPS ?? 30);
const balanceAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

let node: AnvilNode;
let fx: Fixture;
let c: LocalClients;
let tx: TxSender;
let harness: Address;

before(async () => {
  ({ node, fixture: fx } = await startFixtureNode());
  c = localClients(node.rpcUrl);
  tx = txSender(c);
  harness = await deployHarness(tx, fx);
});

after(async () => {
  await node?.stop();
});

const readAll = async (block?: bigint) =>
  readV4PoolStates({ client: c.public, poolManager: fx.contracts.v4PoolManager }, fx.v4Pools, block);

/** 50% of what the pool could ever pay out in tokenOut, valued in tokenIn at the spot price. */
function cap(state: V4State, zeroForOne: boolean): bigint {
  const pool = createV4Pool(state);
  const [tin, tout] = zeroForOne ? [state.token0, state.token1] : [state.token1, state.token0];
  const all = pool.swap(tin, tout, 1n << 200n).amountOut;
  const p2 = state.sqrtPriceX96 * state.sqrtPriceX96;
  return (zeroForOne ? (all << 192n) / p2 : (all * p2) >> 192n) / 2n;
}

describe('Uniswap v4 math equals the PoolManager', () => {
  test('the reader finds every pool with its ticks, and the liquidity matches them', async () => {
    const { states } = await readAll();
    assert.equal(states.length, fx.v4Pools.length);
    assert.ok(fx.v4Pools.length >= 4);
    assert.ok(new Set(fx.v4Pools.map((p) => p.feePips)).size >= 2);
    for (const s of states) {
      assert.ok(s.ticks.length >= 6, `${s.address}: ${s.ticks.length} ticks`);
      createV4Pool(s); // checks Σ liquidityNet below the price = liquidity and Σ = 0
    }
  });

  test(`${SWAPS} seeded swaps at one block: equal to the wei`, async () => {
    const block = await c.public.getBlockNumber();
    const { states } = await readAll(block);
    const rand = prng(7005);
    const slots = fx.v4Pools.flatMap((p, k) => [true, false].map((zeroForOne) => ({ p, k, zeroForOne })));
    const cases = Array.from({ length: SWAPS }, (_, i) => {
      const s = slots[i % slots.length]!;
      return { ...s, amountIn: logUniform(rand, cap(states[s.k]!, s.zeroForOne)) };
    });
    let exact = 0;
    let crossing = 0;
    const failures: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < cases.length; i += 16) {
      const batch = cases.slice(i, i + 16);
      const chain = await Promise.all(
        batch.map((k) =>
          simulateSwap(
            c,
            harness,
            [pathArg([{ pool: k.p, tokenIn: k.p.tokens[k.zeroForOne ? 0 : 1] }], k.amountIn)],
            block,
          ),
        ),
      );
      batch.forEach((k, j) => {
        const pool = createV4Pool(states[k.k]!);
        const [tin, tout] = k.zeroForOne ? k.p.tokens : [k.p.tokens[1], k.p.tokens[0]];
        const r = pool.swap(tin, tout, k.amountIn);
        if (r.ticksCrossed > 0) crossing++;
        if (r.amountOut === chain[j]![0]) exact++;
        else
          failures.push(
            `${k.p.label} ${k.zeroForOne ? '0→1' : '1→0'} in ${k.amountIn}: math ${r.amountOut}, chain ${chain[j]![0]}`,
          );
      });
    }
    console.log(
      `# uniswap-v4: ${cases.length} swaps over ${fx.v4Pools.length} pools, ${exact} exact, ` +
        `${crossing} (${((100 * crossing) / cases.length).toFixed(1)}%) cross ≥1 initialized tick, ` +
        `chain ${(performance.now() - t0).toFixed(0)} ms`,
    );
    assert.deepEqual(failures.slice(0, 5), []);
    assert.equal(exact, cases.length);
    assert.ok(crossing >= 0.3 * cases.length, `only ${crossing} of ${cases.length} swaps cross a tick`);
  });

  test(`${SEQ} real swaps in sequence: the state read after each predicts the next to the wei`, async () => {
    const rand = prng(7006);
    for (let i = 0; i < SEQ; i++) {
      const k = Math.floor(rand() * fx.v4Pools.length);
      const p: FixtureV4Pool = fx.v4Pools[k]!;
      const zeroForOne = rand() < 0.5;
      const { states } = await readAll();
      const s = states[k]!;
      const amountIn = logUniform(rand, cap(s, zeroForOne) / 5n);
      const [tin, tout] = zeroForOne ? p.tokens : [p.tokens[1], p.tokens[0]];
      const expected = createV4Pool(s).amountOut(tin, tout, amountIn);
      const bal = () =>
        c.public.readContract({ address: tout, abi: balanceAbi, functionName: 'balanceOf', args: [c.account] });
      const before = await bal();
      await tx.call(harness, harnessAbi, 'swap', [[pathArg([{ pool: p, tokenIn: tin }], amountIn)]], 'v4 swap');
      assert.equal((await bal()) - before, expected, `swap ${i}: ${p.label} in ${amountIn}`);
    }
  });
});
