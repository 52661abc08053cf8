/**
 * Issue #22 item 2 on anvil with the real Aave v3 market: an owner holds 100 USDC in its wallet and 9,900 USDC
 * supplied, no WETH, target 50/50 with a 50% sleeve. The dev account borrows every USDC the reserve has left
 * (utilisation 100%): the planner reports "withdraw limited" and plans the partial rebalance it can do (sell the
 * 100 liquid USDC); that plan runs through the owner's BallastExecutor in ONE transaction whose last step supplies
 * half of the WETH it bought (idle-batch.ts `withSleeve`). The full rebalance's withdrawal would revert.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, parseAbi } from 'viem';
import { localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { configureExecutor, deployExecutor } from '../../src/chain/executor/artifact.ts';
import { approvalsNeeded, encodeExecute, simulateExecute } from '../../src/chain/executor/calldata.ts';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import { type IdleState, withSleeve } from '../../src/chain/lending/idle-batch.ts';
import { readSleeve, type SleeveEntry } from '../../src/chain/lending/sleeve.ts';
import { validatedPrices } from '../../src/chain/oracles/guard.ts';
import { buildBatch, sizeTrades } from '../../src/chain/rebalance/build.ts';
import { netTrades } from '../../src/chain/rebalance/net.ts';
import { desiredSupplied, planSleeve, sleeveWeights } from '../../src/core/lending/idle-sleeve.ts';
import { balances, market, SLIPPAGE_CAP_BPS, startWorld, type World } from './setup.ts';

/** anvil's dev account #3 (unlocked on anvil): the sleeve's owner. */
const OWNER: Address = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const erc20 = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address) view returns (uint256)',
]);

let w: World;
let otx: TxSender;
let executor: Address;
before(async () => {
  w = await startWorld();
  otx = txSender(localClients(w.node.rpcUrl, OWNER, w.fx.chainId));
  executor = await deployExecutor(otx, w.fx.contracts);
  // the value floor counts the aTokens at their underlying's feed
  const aFeeds = w.fx.aaveReserves.map((r) => ({ token: r.aToken, feed: w.feeds[r.symbol]! }));
  await configureExecutor(otx, executor, {
    feeds: [...w.fx.tokens.map((t) => ({ token: t.address, feed: w.feeds[t.symbol]! })), ...aFeeds],
    slippageCapBps: SLIPPAGE_CAP_BPS,
  });
});
after(() => w?.node.stop());

test('utilisation 100%: "withdraw limited", the partial rebalance and the supply of half the WETH bought in ONE transaction', async () => {
  const pool = w.fx.contracts.aavePool;
  const usdc = w.tokens.get('USDC')!;
  const weth = w.tokens.get('WETH')!;
  const aUsdc = w.fx.aaveReserves.find((r) => r.symbol === 'USDC')!.aToken;
  const aWeth = w.fx.aaveReserves.find((r) => r.symbol === 'WETH')!.aToken;
  const pub = w.clients.public;
  await w.tx.call(usdc.address, erc20, 'transfer', [OWNER, 10_000n * 10n ** 6n], 'fund USDC');
  await otx.call(usdc.address, erc20, 'approve', [pool, 9_900n * 10n ** 6n], 'approve Pool');
  await otx.call(pool, aavePoolAbi, 'supply', [usdc.address, 9_900n * 10n ** 6n, OWNER, 0], 'supply USDC');
  // someone borrows all the USDC the reserve holds
  const left = await pub.readContract({ address: usdc.address, abi: erc20, functionName: 'balanceOf', args: [aUsdc] });
  await w.tx.call(pool, aavePoolAbi, 'borrow', [usdc.address, left, 2n, 0, w.fx.deployer], 'borrow it all');

  const prices = await validatedPrices(pub, { feeds: w.feeds, maxDeviationBps: 10_000 }, [...w.tokens.values()]);
  const usd = (a: Address) => prices.get(a.toLowerCase())!.usd;
  const entries: SleeveEntry[] = [usdc, weth].map((t) => ({ ...t, price: usd(t.address), target: 0.5, buffer: 0n }));
  const cfg = { share: 0.5 };
  const before = await readSleeve(pub, pool, OWNER, entries);
  assert.equal(before[0]!.available, 0n, 'nothing left to withdraw');
  assert.ok(before[0]!.supplied >= 9_900n * 10n ** 6n, 'the aTokens count as the underlying they redeem to');
  const plan = planSleeve(before, cfg);
  assert.equal(plan.limited.length, 1);
  assert.match(
    plan.limited[0]!.reason,
    /^withdraw limited: USDC would sell \d+ but only 100000000 can leave now .*utilisation 100\.0%\)$/,
  );
  const [usdcStep, wethStep] = plan.steps;
  assert.deepEqual(usdcStep, { symbol: 'USDC', withdraw: 0n, trade: -100n * 10n ** 6n, supply: 0n });
  assert.ok(wethStep!.trade > 0n && plan.scale < 0.03, `scale ${plan.scale}`);
  // the full rebalance would need a withdrawal the reserve cannot pay
  await assert.rejects(
    pub.simulateContract({
      account: OWNER,
      address: pool,
      abi: aavePoolAbi,
      functionName: 'withdraw',
      args: [usdc.address, 4_000n * 10n ** 6n, OWNER],
    }),
  );

  // the partial plan: no withdrawal (the reserve has nothing), the swap, then the supply, in one batch
  const sold = -usdcStep!.trade;
  const sizes = sizeTrades(
    netTrades(
      [
        { asset: 'WETH', side: 'buy', notional: Number(sold) / 1e6 },
        { asset: 'USDC', side: 'sell', notional: Number(sold) / 1e6 },
      ],
      'USDC',
    ),
    w.tokens,
    prices,
    'USDC',
    new Map([[usdc.address.toLowerCase(), sold]]),
  );
  const block = await pub.getBlock();
  const swaps = buildBatch({
    sizes,
    tokens: w.tokens,
    prices,
    feeds: w.feeds,
    quote: 'USDC',
    market: await market(w),
    poolInfo: w.fx.pools,
    contracts: w.fx.contracts,
    executor,
    owner: OWNER,
    deadline: block.timestamp + 600n,
    gasPriceWei: 10n ** 9n,
    maxSlippageBps: 100,
  });
  const idle: IdleState = {
    pool,
    assets: before.map((a, i) => ({ ...a, address: entries[i]!.address, share: cfg.share })),
  };
  const b = withSleeve(swaps, idle, plan, w.tokens).batch;
  assert.deepEqual(
    b.legs.map((l) => l.kind),
    [...swaps.legs.map((l) => l.kind), 6],
    'the swaps, then one supply step; no withdrawal',
  );
  const supply = b.legs.at(-1)!.share;
  for (const a of await approvalsNeeded(pub, OWNER, executor, b))
    await otx.call(a.token, erc20, 'approve', [executor, a.amount], 'approve executor');
  const b0 = await balances(pub, OWNER, [usdc.address, weth.address]);
  await simulateExecute(pub, OWNER, executor, encodeExecute(b));
  const hash = await otx.clients.wallet.sendTransaction({
    account: OWNER,
    chain: otx.clients.wallet.chain,
    to: executor,
    data: encodeExecute(b),
    gas: 3_000_000n,
  });
  assert.equal((await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status, 'success');
  const b1 = await balances(pub, OWNER, [usdc.address, weth.address]);
  assert.equal(b0[0]! - b1[0]!, sold, 'exactly the liquid USDC sold');
  const got = b.route.received.find((x) => x.token.toLowerCase() === weth.address.toLowerCase())!.amount;
  assert.equal(b1[1]! - b0[1]!, got - supply, 'WETH as the route said, to the wei, less the supply');
  const minOut = swaps.legs.filter((l) => l.toOwner).reduce((s, l) => s + l.minOut, 0n);
  assert.equal(supply, desiredSupplied(minOut, 0n, cfg.share), 'half the WETH (at its minimum output) to the sleeve');
  assert.ok(supply <= minOut / 2n + 10n ** 6n && supply >= minOut / 2n - 10n ** 6n, `${supply} vs ${minOut / 2n}`);
  const aWethBalance = await pub.readContract({ address: aWeth, abi: erc20, functionName: 'balanceOf', args: [OWNER] });
  assert.ok(aWethBalance >= supply - 1n && aWethBalance <= supply + 1n, `${aWethBalance} vs ${supply}`);
  const afterW = sleeveWeights(await readSleeve(pub, pool, OWNER, entries));
  const beforeW = sleeveWeights(before);
  assert.ok(afterW.get('WETH')! > beforeW.get('WETH')! && afterW.get('WETH')! < 0.5, `${afterW.get('WETH')}`);
  console.log(
    `# ${plan.limited[0]!.reason}; scale ${plan.scale.toFixed(4)}; WETH weight 0 → ${afterW.get('WETH')!.toFixed(4)}`,
  );
});
