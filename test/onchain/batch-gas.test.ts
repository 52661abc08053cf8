/**
 * Figure for docs/benchmarks.md (issue #8 §6): gas of one n-leg executor batch against n separate router swaps
 * for n = 2 … 8, from the same chain state (evm_snapshot/revert), approvals warm in both: the owner's approvals
 * of the routers (separate swaps) and of the executor (batch) are made beforehand and reported apart.
 * Run: node --import tsx --test test/onchain/batch-gas.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, parseAbi } from 'viem';
import type { ExecuteArgs } from '../../src/chain/executor/calldata.ts';
import { encodeExecute } from '../../src/chain/executor/calldata.ts';
import { type ExecutorLeg, encodeLeg } from '../../src/chain/executor/legs.ts';
import type { FixturePool } from '../../src/chain/fixture/types.ts';
import { startWorld, type World } from './setup.ts';

let w: World;
before(async () => {
  w = await startWorld();
});
after(async () => {
  await w?.node.stop();
});

const approveAbi = parseAbi(['function approve(address spender, uint256 amount) returns (bool)']);

/** A whole-portfolio sell of WETH into eight positions, plus one stablecoin leg through Balancer's stable pool. */
const SWAPS: [label: string, sell: string, buy: string][] = [
  ['WETH/USDC v3 0.05%', 'WETH', 'USDC'],
  ['WBTC/WETH v2', 'WETH', 'WBTC'],
  ['LINK/WETH v2', 'WETH', 'LINK'],
  ['UNI/WETH v3 1%', 'WETH', 'UNI'],
  ['WETH/USDT v3 0.05%', 'WETH', 'USDT'],
  ['WETH/DAI v2', 'WETH', 'DAI'],
  ['Balancer weighted WBTC/WETH', 'WETH', 'WBTC'],
  ['Balancer stable USDC/USDT/DAI', 'USDC', 'DAI'],
];

function poolFor(i: number): FixturePool {
  const [, a, b] = SWAPS[i]!;
  const want =
    i === 0 || i === 3 || i === 4
      ? 'uniswap-v3'
      : i === 6
        ? 'balancer-weighted'
        : i === 7
          ? 'balancer-stable'
          : 'uniswap-v2';
  const p = w.fx.pools.find(
    (x) => x.protocol === want && x.symbols.includes(a) && x.symbols.includes(b) && (i !== 7 || x.symbols.length === 3),
  );
  if (!p) throw new Error(`no pool for ${SWAPS[i]![0]}`);
  return p;
}

function legs(n: number, payer: Address, deadline: bigint): ExecutorLeg[] {
  return SWAPS.slice(0, n).map(([, sell, buy], i) => {
    const tin = w.tokens.get(sell)!;
    const amountIn = sell === 'WETH' ? 10n ** 18n : 3000n * 10n ** 6n;
    return encodeLeg(
      { pool: poolFor(i), tokenIn: tin.address, tokenOut: w.tokens.get(buy)!.address, amountIn, minOut: 1n },
      w.fx.contracts,
      payer,
      deadline,
      w.account.address,
    );
  });
}

test('gas: one n-leg batch vs n separate router swaps, n = 2 … 8', async () => {
  const deadline = (await w.clients.public.getBlock()).timestamp + 3600n;
  const rows: string[] = [];
  for (let n = 2; n <= 8; n++) {
    const snap = await w.clients.test.snapshot();
    let separate = 0n;
    for (const l of legs(n, w.account.address, deadline)) {
      const hash = await w.clients.wallet.sendTransaction({
        account: w.account.address,
        chain: w.clients.wallet.chain,
        to: l.target,
        data: l.data,
        gas: 2_000_000n,
      });
      const rc = await w.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      assert.equal(rc.status, 'success');
      separate += rc.gasUsed;
    }
    await w.clients.test.revert({ id: snap });
    const snap2 = await w.clients.test.snapshot();
    const ls = legs(n, w.executor, deadline);
    const pulls = new Map<Address, bigint>();
    for (const l of ls) pulls.set(l.tokenIn, (pulls.get(l.tokenIn) ?? 0n) + l.amountIn);
    let approvals = 0n;
    for (const [token, amount] of pulls) {
      const rc = await w.tx.call(token, approveAbi, 'approve', [w.executor, amount], 'approve executor');
      approvals += rc.gasUsed;
    }
    const outs = [...new Set(ls.map((l) => l.tokenOut))];
    const batch: ExecuteArgs = {
      pulls: [...pulls].map(([token, amount]) => ({ token, amount })),
      legs: ls,
      valuations: outs.map((t) => {
        const tok = [...w.tokens.values()].find((x) => x.address === t)!;
        return { token: t, feed: w.feeds[tok.symbol]!.address, maxAge: 3660n, scale: 10n ** BigInt(tok.decimals + 8) };
      }),
      minTotalValue: 1n,
      deadline,
    };
    const hash = await w.clients.wallet.sendTransaction({
      account: w.account.address,
      chain: w.clients.wallet.chain,
      to: w.executor,
      data: encodeExecute(batch),
      gas: 5_000_000n,
    });
    const rc = await w.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    assert.equal(rc.status, 'success');
    await w.clients.test.revert({ id: snap2 });
    const saved = Number(separate - rc.gasUsed);
    rows.push(
      `| ${n} | ${separate} | ${rc.gasUsed} | ${saved} | ${((saved / Number(separate)) * 100).toFixed(1)}% | ${approvals} (${pulls.size} token${pulls.size > 1 ? 's' : ''}) |`,
    );
  }
  console.log(
    '| n legs | n separate swaps (gas) | one batch (gas) | saved | saved % | owner→executor approvals, apart |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
});
