/**
 * Differential tests (issue #7 §2): the exact pool math of src/dex/pools against the real contracts on anvil.
 * ≥2,000 seeded swaps per pool type, sizes log-uniform from 1e-6 to the cap below, both directions,
 * compared at one block with the state read by ONE multicall (src/dex/state).
 * Caps ("50% of in-range liquidity"): v2 and Balancer stable 50% of the input token's balance; v3 50% of the
 * pool's real output-token balance valued in the input token at the spot price; Balancer weighted 30% of the
 * input balance, its contract's MAX_IN_RATIO (above it the Vault reverts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Address, createPublicClient, custom, type PublicClient, parseAbi } from 'viem';
import type { AnvilNode } from '../../src/chain/anvil.ts';
import { type LocalClients, localChain, localClients } from '../../src/chain/client.ts';
import { startFixtureNode } from '../../src/chain/fixture/cache.ts';
import type { Fixture, FixturePool } from '../../src/chain/fixture/types.ts';
import { createPool, createV3Pool, PoolMathError } from '../../src/dex/pools/index.ts';
import type { PoolState, SwapPool, V3State } from '../../src/dex/pools/types.ts';
import { readPoolStates } from '../../src/dex/state/index.ts';
import { compare, drawCases } from './harness.ts';
import { chainQuotes, type SwapCase } from './onchain.ts';

const SWAPS_PER_TYPE = 2_000;
const balanceOfAbi = parseAbi(['function balanceOf(address) view returns (uint256)']);

let node: AnvilNode;
let fx: Fixture;
let clients: LocalClients;
let block: bigint;
const states = new Map<string, PoolState>();
const v3OutBalance = new Map<string, bigint>();

before(async () => {
  ({ node, fixture: fx } = await startFixtureNode());
  clients = localClients(node.rpcUrl);
  block = await clients.public.getBlockNumber();
  const snap = await readPoolStates(
    { client: clients.public, v3TickLens: fx.contracts.v3TickLens, balancerVault: fx.contracts.balancerVault },
    fx.pools,
    block,
  );
  for (const [k, s] of snap.states.entries()) states.set(fx.pools[k].address.toLowerCase(), s);
  for (const p of fx.pools.filter((q) => q.protocol === 'uniswap-v3')) {
    for (const t of p.tokens) {
      const b = await clients.public.readContract({
        address: t,
        abi: balanceOfAbi,
        functionName: 'balanceOf',
        args: [p.address],
        blockNumber: block,
      });
      v3OutBalance.set(`${p.address.toLowerCase()}:${t.toLowerCase()}`, b);
    }
  }
});

after(async () => {
  await node?.stop();
});

function idx(tokens: readonly Address[], t: Address): number {
  return tokens.findIndex((x) => x.toLowerCase() === t.toLowerCase());
}

function cap(pool: FixturePool, state: PoolState, tokenIn: Address, tokenOut: Address): bigint {
  switch (state.kind) {
    case 'uniswap-v2':
      return (idx([state.token0, state.token1], tokenIn) === 0 ? state.reserve0 : state.reserve1) / 2n;
    case 'uniswap-v3': {
      const out = v3OutBalance.get(`${pool.address.toLowerCase()}:${tokenOut.toLowerCase()}`) ?? 0n;
      const p2 = state.sqrtPriceX96 * state.sqrtPriceX96; // price token1/token0 · 2^192
      const valued = idx([state.token0, state.token1], tokenIn) === 0 ? (out << 192n) / p2 : (out * p2) >> 192n;
      return valued / 2n;
    }
    case 'balancer-weighted':
      return (state.balances[idx(state.tokens, tokenIn)] * 3n) / 10n;
    case 'balancer-stable':
      return state.balances[idx(state.tokens, tokenIn)] / 2n;
    case 'uniswap-v4':
      throw new Error('fixture.pools holds no v4 pool (test/chain/v4-differential.test.ts covers them)');
  }
}

/** SwapPools by address, or the reason the math does not support this pool type yet. */
function offChainPools(kind: PoolState['kind']): Map<string, SwapPool> | string {
  const out = new Map<string, SwapPool>();
  for (const [address, s] of states) {
    if (s.kind !== kind) continue;
    try {
      out.set(address, createPool(s));
    } catch (e) {
      if (e instanceof PoolMathError && /not implemented/.test(e.message)) return e.message;
      throw e;
    }
  }
  return out;
}

async function run(kind: PoolState['kind'], seed: number, toleranceWei: bigint) {
  const pools = fx.pools.filter((p) => p.protocol === kind);
  const math = offChainPools(kind);
  if (typeof math === 'string') return { skipped: math } as const;
  const cases = drawCases(pools, states, SWAPS_PER_TYPE, seed, cap);
  const t0 = performance.now();
  const chain = await chainQuotes(clients.public, fx.contracts, cases, block);
  const chainMs = performance.now() - t0;
  const poolOf = (c: SwapCase): SwapPool => math.get(c.pool.address.toLowerCase()) as SwapPool;
  const cmp = compare(cases, chain, poolOf, toleranceWei);
  console.log(
    `# ${kind}: ${cmp.swaps} swaps over ${pools.length} pools, ${cmp.compared} compared (${cmp.exact} exact, max diff ${cmp.maxAbsDiff} wei), ` +
      `${cmp.bothRejected} rejected by both, chain quotes ${chainMs.toFixed(0)} ms`,
  );
  return { cases, chain, cmp } as const;
}

describe('pool math equals the chain', () => {
  test('state reader: all pools in ONE eth_call (Multicall3.aggregate3) per block', async () => {
    let calls = 0;
    const counting = createPublicClient({
      chain: localChain(node.rpcUrl),
      transport: custom({
        async request({ method, params }) {
          if (method === 'eth_call') calls++;
          const r = await fetch(node.rpcUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
          });
          const j = (await r.json()) as { result?: unknown; error?: { message: string } };
          if (j.error) throw new Error(j.error.message);
          return j.result;
        },
      }),
    }) as PublicClient;
    const cfg = { client: counting, v3TickLens: fx.contracts.v3TickLens, balancerVault: fx.contracts.balancerVault };
    const snap = await readPoolStates(cfg, fx.pools, block); // token decimals are cached by the first read
    assert.equal(calls, 1);
    assert.deepEqual(
      snap.states,
      fx.pools.map((p) => states.get(p.address.toLowerCase())),
    );
  });

  test('state reader: every pool read at one block', () => {
    assert.equal(states.size, fx.pools.length);
    for (const s of states.values()) {
      if (s.kind === 'uniswap-v3') assert.ok(s.ticks.length >= 6, `${s.address}: ${s.ticks.length} initialized ticks`);
      if (s.kind === 'uniswap-v2') assert.ok(s.reserve0 > 0n && s.reserve1 > 0n);
      if (s.kind === 'balancer-weighted' || s.kind === 'balancer-stable') assert.ok(s.decimals.every((d) => d >= 6));
    }
  });

  test('Uniswap v2: exact', async (t) => {
    const r = await run('uniswap-v2', 7001, 0n);
    if ('skipped' in r) return t.skip(r.skipped);
    assert.deepEqual(r.cmp.failures, []);
    assert.ok(r.cmp.compared >= SWAPS_PER_TYPE);
  });

  test('Uniswap v3: exact against QuoterV2, ≥30% of swaps cross an initialized tick', async (t) => {
    const r = await run('uniswap-v3', 7002, 0n);
    if ('skipped' in r) return t.skip(r.skipped);
    // Ticks crossed by the exact swap loop (the price moved past an initialized tick). QuoterV2's own
    // initializedTicksCrossed also counts an initialized tick the swap starts or ends next to, so it is
    // printed for information only.
    const crossed = r.cases.map((c) => {
      const state = states.get(c.pool.address.toLowerCase()) as V3State;
      return createV3Pool(state).swap(c.tokenIn, c.tokenOut, c.amountIn).ticksCrossed;
    });
    const crossing = crossed.filter((n) => n >= 1).length;
    const quoterCrossing = r.chain.filter((q) => (q.ticksCrossed ?? 0) >= 1).length;
    console.log(
      `# uniswap-v3: ${crossing}/${r.cases.length} swaps (${((100 * crossing) / r.cases.length).toFixed(1)}%) cross ≥1 initialized tick, ` +
        `up to ${Math.max(...crossed)} (QuoterV2's initializedTicksCrossed ≥1 for ${quoterCrossing})`,
    );
    assert.deepEqual(r.cmp.failures, []);
    assert.ok(r.cmp.compared >= SWAPS_PER_TYPE);
    assert.ok(crossing >= 0.3 * r.cases.length, `only ${crossing} of ${r.cases.length} swaps cross a tick`);
  });

  test('Balancer weighted: within 1 wei of Vault.queryBatchSwap', async (t) => {
    const r = await run('balancer-weighted', 7003, 1n);
    if ('skipped' in r) return t.skip(r.skipped);
    assert.deepEqual(r.cmp.failures, []);
    assert.ok(r.cmp.compared >= SWAPS_PER_TYPE * 0.95);
  });

  test('Balancer stable: exact against Vault.queryBatchSwap', async (t) => {
    const r = await run('balancer-stable', 7004, 0n);
    if ('skipped' in r) return t.skip(r.skipped);
    assert.deepEqual(r.cmp.failures, []);
    assert.ok(r.cmp.compared >= SWAPS_PER_TYPE * 0.95);
  });
});
