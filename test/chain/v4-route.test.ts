/**
 * The joint router with Uniswap v4 pools as candidates, on the live fixture: the docs/onchain.md walkthrough's
 * rebalance (and the same ×20) over all pools with and without the v4 pools, v4 legs priced at V4_GAS plus the
 * ticks they cross, the gas-free value never lower with v4; then a route over the v4 pools alone executed by V4SwapsHarness in ONE unlock, every leg's
 * output equal to the route's to the wei and the owner's balances changed by exactly the route's net amounts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Address, parseAbi } from 'viem';
import type { AnvilNode } from '../../src/chain/anvil.ts';
import { type LocalClients, localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { startFixtureNode } from '../../src/chain/fixture/cache.ts';
import type { Fixture } from '../../src/chain/fixture/types.ts';
import type { PoolState } from '../../src/dex/pools/types.ts';
import { V4_GAS } from '../../src/dex/pools/uniswap-v4.ts';
import { prepareMarket, routeJoint } from '../../src/dex/router/joint/index.ts';
import { V3_TICK_GAS } from '../../src/dex/router/joint/legs.ts';
import { type FixtureStates, walkthrough } from '../../src/dex/router/joint/testing/fixture-market.ts';
import { readPoolStates } from '../../src/dex/state/index.ts';
import { readV4PoolStates } from '../../src/dex/state/read-v4.ts';
import { deployHarness, harnessAbi, pathArg, simulateSwap } from './v4.ts';

const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);

let node: AnvilNode;
let fx: Fixture;
let c: LocalClients;
let tx: TxSender;
let harness: Address;
let others: PoolState[];
let v4: PoolState[];

before(async () => {
  ({ node, fixture: fx } = await startFixtureNode());
  c = localClients(node.rpcUrl);
  tx = txSender(c);
  harness = await deployHarness(tx, fx);
  const block = await c.public.getBlockNumber();
  others = [
    ...(
      await readPoolStates(
        { client: c.public, v3TickLens: fx.contracts.v3TickLens, balancerVault: fx.contracts.balancerVault },
        fx.pools,
        block,
      )
    ).states,
  ];
  v4 = (await readV4PoolStates({ client: c.public, poolManager: fx.contracts.v4PoolManager }, fx.v4Pools, block))
    .states;
});

after(async () => {
  await node?.stop();
});

function statesOf(states: readonly PoolState[]): FixtureStates {
  return {
    tokens: fx.tokens.map((t) => ({ ...t, priceUsd: Number(t.priceUsd) })),
    pools: [],
    weth: fx.contracts.weth9,
    states,
  };
}

/** The walkthrough's sells scaled by `k` (same targets' proportions). */
function scaled(w: ReturnType<typeof walkthrough>, k: bigint) {
  return {
    ...w.request,
    sells: w.request.sells.map((s) => ({ ...s, amount: s.amount * k })),
    buys: w.request.buys.map((b) => ({ ...b, value: b.value * Number(k) })),
  };
}

describe('joint routing with v4 pools', () => {
  test('v4 pools are candidates: used, priced at V4_GAS + ticks; gas-free, never a worse value', () => {
    const w = walkthrough(20, statesOf([...others, ...v4]));
    const v4Ids = new Set(v4.map((s) => s.address.toLowerCase()));
    for (const k of [1n, 20n]) {
      const req = scaled(w, k);
      const withV4 = routeJoint(req);
      const without = routeJoint({ ...req, exclude: v4Ids });
      const v4Legs = withV4.legs.filter((l) => l.protocol === 'uniswap-v4');
      console.log(
        `# walkthrough ×${k}: ${v4Legs.length} of ${withV4.legs.length} legs on v4; net $${(withV4.value - withV4.gasCost).toFixed(2)} ` +
          `with v4, $${(without.value - without.gasCost).toFixed(2)} without`,
      );
      assert.ok(v4Legs.length > 0, 'no v4 leg');
      for (const l of v4Legs) {
        assert.equal(l.gas, V4_GAS + V3_TICK_GAS * l.ticksCrossed);
        const p = w.market.pools.find((x) => x.id === l.pool)!;
        assert.equal(p.pool.amountOut(l.tokenIn, l.tokenOut, l.amountIn), l.amountOut);
      }
      // Gas-free the problem is convex: more candidate pools never lower the optimum (up to the certified gap).
      // With gas the router's pruning is a heuristic, so the net values above are reported, not compared.
      const free = routeJoint({ ...req, gasPriceWei: 0n });
      const freeWithout = routeJoint({ ...req, gasPriceWei: 0n, exclude: v4Ids });
      assert.ok(free.value >= freeWithout.value * (1 - 1e-6), `${free.value} < ${freeWithout.value}`);
    }
  });

  test('a route over the v4 pools alone runs in one unlock, equal to the wei', async () => {
    const w = walkthrough(20, statesOf(v4), prepareMarket(v4));
    const route = routeJoint(w.request);
    assert.ok(route.legs.length >= 3, `${route.legs.length} legs`);
    const byId = new Map(fx.v4Pools.map((p) => [p.poolId.toLowerCase(), p]));
    const paths = route.legs.map((l) =>
      pathArg([{ pool: byId.get(l.pool)!, tokenIn: l.tokenIn }], l.amountIn, l.amountOut),
    );
    assert.deepEqual(
      await simulateSwap(c, harness, paths),
      route.legs.map((l) => l.amountOut),
    );
    const tokens = [...new Set(route.legs.flatMap((l) => [l.tokenIn, l.tokenOut]))];
    const bal = () =>
      Promise.all(
        tokens.map((t) =>
          c.public.readContract({ address: t, abi: erc20, functionName: 'balanceOf', args: [c.account] }),
        ),
      );
    const before = await bal();
    const r = await tx.call(harness, harnessAbi, 'swap', [paths], 'v4 route');
    console.log(`# v4-only walkthrough route: ${route.legs.length} legs in one unlock, gas ${r.gasUsed}`);
    const after = await bal();
    const amount = (xs: readonly { token: Address; amount: bigint }[], t: Address) =>
      xs.find((x) => x.token.toLowerCase() === t.toLowerCase())?.amount ?? 0n;
    tokens.forEach((t, i) => {
      assert.equal(after[i]! - before[i]!, amount(route.received, t) - amount(route.spent, t), t);
    });
  });
});
