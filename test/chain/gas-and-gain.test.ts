/**
 * Figures on the fixture (docs/chain.md): the router's gain over the 5%-step baseline (issue #7 §3/§5) for
 * trades of 0.1%, 1% and 10% of a pair's liquidity, then the gas of real swaps through each protocol.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Address } from 'viem';
import type { AnvilNode } from '../../src/chain/anvil.ts';
import { type LocalClients, localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { startFixtureNode } from '../../src/chain/fixture/cache.ts';
import { v2RouterAbi, v3RouterAbi, vaultAbi } from '../../src/chain/fixture/router-abis.ts';
import type { Fixture, FixturePool } from '../../src/chain/fixture/types.ts';
import { gainOverBaseline } from '../../src/dex/router/gain.ts';
import { route } from '../../src/dex/router/route.ts';
import { buildSwapPools, readPoolStates } from '../../src/dex/state/index.ts';

let node: AnvilNode;
let fx: Fixture;
let clients: LocalClients;
let tx: TxSender;

before(async () => {
  ({ node, fixture: fx } = await startFixtureNode());
  clients = localClients(node.rpcUrl);
  tx = txSender(clients);
});

after(async () => {
  await node?.stop();
});

const tok = (s: string): Address => {
  const t = fx.tokens.find((x) => x.symbol === s);
  if (!t) throw new Error(`no token ${s}`);
  return t.address;
};

const PAIRS: [string, string][] = [
  ['WETH', 'USDC'],
  ['USDC', 'WETH'],
  ['WBTC', 'WETH'],
  ['USDC', 'USDT'],
  ['DAI', 'USDC'],
  ['LINK', 'WETH'],
];

test('router gain over the 5%-step baseline at 20 gwei (bps of net output)', async () => {
  const snap = await readPoolStates(
    { client: clients.public, v3TickLens: fx.contracts.v3TickLens, balancerVault: fx.contracts.balancerVault },
    fx.pools,
  );
  const { pools, skipped } = buildSwapPools(snap.states);
  assert.deepEqual(skipped, []);
  const gasPriceWei = 20n * 10n ** 9n;
  console.log('# pair        size    router legs  baseline splits  gain bps');
  for (const [a, b] of PAIRS) {
    const tokenIn = tok(a);
    const tokenOut = tok(b);
    const outPerEth =
      tokenOut === fx.contracts.weth9
        ? 1e18
        : Number(
            route({ pools, tokenIn: fx.contracts.weth9, tokenOut, amountIn: 10n ** 15n, gasPriceWei: 0n, outPerEth: 0 })
              .amountOut,
          ) * 1000;
    const rows = gainOverBaseline(pools, tokenIn, tokenOut, { gasPriceWei, outPerEth });
    for (const r of rows) {
      console.log(
        `# ${`${a}→${b}`.padEnd(11)} ${`${(r.fraction * 100).toFixed(1)}%`.padStart(5)}  ${String(r.routerLegs).padStart(11)}  ${String(r.baselineSplits).padStart(15)}  ${r.gainBps.toFixed(3).padStart(8)}`,
      );
      assert.ok(r.routerNetOut >= r.baselineNetOut, `${a}→${b} ${r.fraction}: router below the baseline`);
    }
  }
});

test('gas of one swap through each protocol (warm approvals and balances)', async () => {
  const me = clients.account;
  const deadline = (await clients.public.getBlock()).timestamp + 3600n;
  const pool = (label: string): FixturePool => {
    const p = fx.pools.find((x) => x.label === label);
    if (!p) throw new Error(`no pool ${label}`);
    return p;
  };
  const weth = tok('WETH');
  const usdc = tok('USDC');
  const usdt = tok('USDT');
  const dai = tok('DAI');
  const gas: Record<string, bigint> = {};
  const run = async (name: string, f: () => Promise<{ gasUsed: bigint }>) => {
    await f(); // first swap warms the pool's and the account's storage
    gas[name] = (await f()).gasUsed;
  };
  await run('uniswap-v2 Router02.swapExactTokensForTokens', () =>
    tx.call(
      fx.contracts.uniswapV2Router02,
      v2RouterAbi,
      'swapExactTokensForTokens',
      [10n ** 17n, 0n, [weth, usdc], me, deadline],
      'v2 swap',
    ),
  );
  const v3 = (amountIn: bigint) => () =>
    tx.call(
      fx.contracts.swapRouter,
      v3RouterAbi,
      'exactInputSingle',
      [
        {
          tokenIn: weth,
          tokenOut: usdc,
          fee: 500,
          recipient: me,
          deadline,
          amountIn,
          amountOutMinimum: 0n,
          sqrtPriceLimitX96: 0n,
        },
      ],
      'v3 swap',
    );
  await run('uniswap-v3 SwapRouter.exactInputSingle (no tick crossed)', v3(10n ** 15n));
  const bal = (p: FixturePool, assetIn: Address, assetOut: Address, amount: bigint) => () =>
    tx.call(
      fx.contracts.balancerVault,
      vaultAbi,
      'swap',
      [
        { poolId: p.poolId as `0x${string}`, kind: 0, assetIn, assetOut, amount, userData: '0x' },
        { sender: me, fromInternalBalance: false, recipient: me, toInternalBalance: false },
        0n,
        deadline,
      ],
      'balancer swap',
    );
  await run(
    'balancer-weighted Vault.swap (WETH/USDC 50/50)',
    bal(pool('Balancer Weighted WETH/USDC'), weth, usdc, 10n ** 17n),
  );
  await run(
    'balancer-weighted Vault.swap (3 tokens)',
    bal(pool('Balancer Weighted WETH/WBTC/USDC'), weth, usdc, 10n ** 17n),
  );
  await run('balancer-stable Vault.swap (3 tokens)', bal(pool('Balancer Stable USDC/USDT/DAI'), usdc, usdt, 10n ** 9n));
  await run('balancer-stable Vault.swap (2 tokens)', bal(pool('Balancer Stable USDC/DAI'), usdc, dai, 10n ** 9n));
  // A larger v3 swap that crosses initialized ticks: the cost per crossed tick.
  const big = await v3(2000n * 10n ** 18n)();
  gas['uniswap-v3 SwapRouter.exactInputSingle (2,000 WETH, crosses ticks)'] = big.gasUsed;
  for (const [k, v] of Object.entries(gas)) console.log(`# gas ${k}: ${v}`);
  for (const v of Object.values(gas)) assert.ok(v > 50_000n && v < 600_000n);
});
