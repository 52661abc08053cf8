/**
 * Figure for docs/benchmarks.md (issues #8 §6, #19 item 3): gas of one n-leg executor batch against n separate
 * router swaps from the wallet, n = 2 … 8, from the same chain state (evm_snapshot/revert), standing approvals in
 * both (the wallet's of the routers and the Vault, made by the fixture; the owner's of the executor, made
 * beforehand and reported apart). The batch pays for its guarantees too: the rebalance id (a bit in a word shared
 * by 256 consecutive cycles: the batches here are cycles 2 … 8 after the warm-up's cycle 1, the steady state), the
 * on-chain feeds of the value floor, the owner's balances before and after.
 * Run: node --import tsx --test test/onchain/batch-gas.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, encodeFunctionData, type Hex, maxUint256, parseAbi, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { encodeExecute, explainRevert, rebalanceId } from '../../src/chain/executor/calldata.ts';
import { encodeSteps } from '../../src/chain/executor/legs.ts';
import { encodeExecutePermit2, signPermit2 } from '../../src/chain/executor/permit2.ts';
import { routePools } from '../../src/chain/fixture/route-pools.ts';
import { v2RouterAbi, v3RouterAbi, vaultAbi } from '../../src/chain/fixture/router-abis.ts';
import type { FixturePool } from '../../src/chain/fixture/types.ts';
import type { JointLeg } from '../../src/dex/router/joint/index.ts';
import { deployHarness, harnessAbi, pathArg } from '../chain/v4.ts';
import { KEY0, startWorld, type World } from './setup.ts';

let w: World;
/** A v4 leg's "router swap from the wallet": V4SwapsHarness.swap with one path (one unlock per transaction). */
let harness: Address;
before(async () => {
  w = await startWorld();
  harness = await deployHarness(w.tx, w.fx);
});
after(async () => {
  await w?.node.stop();
});

const approveAbi = parseAbi(['function approve(address spender, uint256 amount) returns (bool)']);

type GasLeg = [
  label: string,
  sell: string,
  buy: string,
  protocol: FixturePool['protocol'],
  feePips?: number,
  size?: number,
];

/**
 * The leg mix, in order (the first n legs make the n-leg batch): a WETH sale into several positions, with v2, v3,
 * Balancer and v4 legs (n = 4 has one of each kind).
 */
export const MIXED: GasLeg[] = [
  ['WETH→USDC, Uniswap v3 WETH/USDC 0.05%', 'WETH', 'USDC', 'uniswap-v3', 500],
  ['WETH→WBTC, Balancer weighted WBTC/WETH 50/50', 'WETH', 'WBTC', 'balancer-weighted'],
  ['WETH→LINK, Uniswap v2 LINK/WETH', 'WETH', 'LINK', 'uniswap-v2'],
  ['WETH→USDC, Uniswap v4 WETH/USDC 0.05%', 'WETH', 'USDC', 'uniswap-v4', 500],
  ['WETH→UNI, Uniswap v3 UNI/WETH 1%', 'WETH', 'UNI', 'uniswap-v3', 10000],
  ['WETH→WBTC, Uniswap v4 WBTC/WETH 0.3%', 'WETH', 'WBTC', 'uniswap-v4', 3000],
  ['WETH→LINK, Balancer weighted LINK/WETH 80/20', 'WETH', 'LINK', 'balancer-weighted'],
  ['WETH→DAI, Uniswap v2 WETH/DAI', 'WETH', 'DAI', 'uniswap-v2'],
];

/** Balancer legs only: what one batchSwap saves against n Vault.swap calls. */
export const BALANCER: GasLeg[] = [
  ['WETH→USDC, Balancer weighted WETH/USDC 50/50', 'WETH', 'USDC', 'balancer-weighted'],
  ['WETH→WBTC, Balancer weighted WBTC/WETH 50/50', 'WETH', 'WBTC', 'balancer-weighted'],
  ['WETH→LINK, Balancer weighted LINK/WETH 80/20', 'WETH', 'LINK', 'balancer-weighted'],
  ['WETH→USDC, Balancer weighted WETH/WBTC/USDC', 'WETH', 'USDC', 'balancer-weighted', undefined, 3],
  ['WETH→WBTC, Balancer weighted WETH/WBTC/USDC', 'WETH', 'WBTC', 'balancer-weighted', undefined, 3],
  ['USDC→DAI, Balancer stable USDC/USDT/DAI', 'USDC', 'DAI', 'balancer-stable'],
  ['USDC→USDT, Balancer stable USDC/USDT/DAI', 'USDC', 'USDT', 'balancer-stable'],
  ['USDC→DAI, Balancer stable USDC/DAI', 'USDC', 'DAI', 'balancer-stable', undefined, 2],
];

let GAS_LEGS: GasLeg[] = MIXED;

function poolFor(i: number): FixturePool {
  const [label, a, b, protocol, fee, size] = GAS_LEGS[i]!;
  const p = routePools(w.fx).find(
    (x) =>
      x.protocol === protocol &&
      x.symbols.length === (size ?? (protocol === 'balancer-stable' ? 3 : 2)) &&
      x.symbols.includes(a) &&
      x.symbols.includes(b) &&
      (fee === undefined || x.feePips === fee),
  );
  assert.ok(p, `no pool for ${label}`);
  return p;
}

const amountOf = (sell: string) => (sell === 'WETH' ? 10n ** 18n : 3000n * 10n ** 6n);

/**
 * One router call from the wallet per leg (Router02, SwapRouter.exactInputSingle, Vault.swap; v4: the V4Swaps
 * harness, a lean one-unlock router without the Universal Router's command decoding).
 */
function routerCall(i: number, deadline: bigint): { to: Address; data: Hex } {
  const [, sell, buy] = GAS_LEGS[i]!;
  const pool = poolFor(i);
  const tin = w.tokens.get(sell)!.address;
  const tout = w.tokens.get(buy)!.address;
  const me = w.account.address;
  const amountIn = amountOf(sell);
  const c = w.fx.contracts;
  if (pool.protocol === 'uniswap-v4') {
    const v4 = w.fx.v4Pools.find((x) => x.poolId === pool.poolId)!;
    return {
      to: harness,
      data: encodeFunctionData({
        abi: harnessAbi,
        functionName: 'swap',
        args: [[pathArg([{ pool: v4, tokenIn: tin }], amountIn, 1n)]],
      }),
    };
  }
  if (pool.protocol === 'uniswap-v2')
    return {
      to: c.uniswapV2Router02,
      data: encodeFunctionData({
        abi: v2RouterAbi,
        functionName: 'swapExactTokensForTokens',
        args: [amountIn, 1n, [tin, tout], me, deadline],
      }),
    };
  if (pool.protocol === 'uniswap-v3')
    return {
      to: c.swapRouter,
      data: encodeFunctionData({
        abi: v3RouterAbi,
        functionName: 'exactInputSingle',
        args: [
          {
            tokenIn: tin,
            tokenOut: tout,
            fee: pool.feePips,
            recipient: me,
            deadline,
            amountIn,
            amountOutMinimum: 1n,
            sqrtPriceLimitX96: 0n,
          },
        ],
      }),
    };
  return {
    to: c.balancerVault,
    data: encodeFunctionData({
      abi: vaultAbi,
      functionName: 'swap',
      args: [
        { poolId: pool.poolId!, kind: 0, assetIn: tin, assetOut: tout, amount: amountIn, userData: '0x' },
        { sender: me, fromInternalBalance: false, recipient: me, toInternalBalance: false },
        1n,
        deadline,
      ],
    }),
  };
}

/** The first n legs as executor steps (each a final output with minimum 1), their pulls, and calldata. */
export function batchData(n: number, deadline: bigint, id: Hex): { data: Hex; pulls: Map<Address, bigint> } {
  const b = batchArgs(n, deadline, id, true);
  return { data: encodeExecute(b), pulls: b.pullMap };
}

/**
 * The same batch through executePermit2 (issue #19's Permit2 option): every input pulled into the executor by one
 * Permit2 batch signature of the owner (steps encoded with fromOwner: false), no allowance to the executor.
 */
async function permitData(n: number, deadline: bigint, id: Hex): Promise<Hex> {
  const b = batchArgs(n, deadline, id, false);
  const permit2 = w.fx.contracts.permit2!;
  return encodeExecutePermit2(b, await signPermit2(privateKeyToAccount(KEY0), w.fx.chainId, permit2, w.executor, b));
}

function batchArgs(n: number, deadline: bigint, id: Hex, fromOwner: boolean) {
  const legs: JointLeg[] = GAS_LEGS.slice(0, n).map(([, sell, buy], i) => {
    const pool = poolFor(i);
    return {
      pool: pool.address,
      protocol: pool.protocol,
      tokenIn: w.tokens.get(sell)!.address,
      tokenOut: w.tokens.get(buy)!.address,
      amountIn: amountOf(sell),
      amountOut: 1n,
      final: true,
      ticksCrossed: 0,
      gas: 0,
    };
  });
  const pulls = new Map<Address, bigint>();
  for (const l of legs) pulls.set(l.tokenIn, (pulls.get(l.tokenIn) ?? 0n) + l.amountIn);
  const pl = [...pulls].map(([token, amount]) => ({ token, amount }));
  const steps = encodeSteps(legs, pl, routePools(w.fx), () => 1n, { fromOwner });
  // a loose value floor: this figure measures gas, the floor is tested in executor.test.ts
  return { id, pulls: pl, legs: steps, maxSlippageBps: 1000, deadline, pullMap: pulls };
}

async function gasOf(to: Address, data: Hex): Promise<bigint> {
  await w.clients.public.call({ account: w.account.address, to, data }).catch((e: unknown) => {
    assert.fail(`call to ${to} reverts: ${explainRevert(e)}`);
  });
  const hash = await w.clients.wallet.sendTransaction({
    account: w.account.address,
    chain: w.clients.wallet.chain,
    to,
    data,
    gas: 5_000_000n,
  });
  const rc = await w.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(rc.status, 'success', `call to ${to}`);
  return rc.gasUsed;
}

const SELECTORS: Record<string, string> = {
  '0x70a08231': 'balanceOf',
  '0x23b872dd': 'transferFrom',
  '0xa9059cbb': 'transfer',
  '0xdd62ed3e': 'allowance',
  '0xfeaf968c': 'feed latestRoundData',
  '0x128acb08': 'v3 swap',
  '0x0902f1ac': 'v2 getReserves',
  '0x022c0d9f': 'v2 swap',
  '0x945bcec9': 'Vault.batchSwap',
  '0x48c89491': 'v4 unlock',
};

/** Where one batch's gas goes: its calls out of the executor (callTracer), and the rest (the executor's own). */
async function breakdown(data: Hex): Promise<string> {
  const snap = await w.clients.test.snapshot();
  const ops = process.env.BALLAST_GAS_OPCODES === '1' ? await opcodes(data) : '';
  const hash = await w.clients.wallet.sendTransaction({
    account: w.account.address,
    chain: w.clients.wallet.chain,
    to: w.executor,
    data,
    gas: 5_000_000n,
  });
  await w.clients.public.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  type Frame = { input: string; gasUsed: string; calls?: Frame[] };
  const t = (await w.clients.public.request({
    method: 'debug_traceTransaction' as 'eth_call',
    params: [hash, { tracer: 'callTracer' }] as never,
  })) as unknown as Frame;
  await w.clients.test.revert({ id: snap });
  const by = new Map<string, [number, number]>();
  for (const c of t.calls ?? []) {
    const k = SELECTORS[c.input.slice(0, 10)] ?? c.input.slice(0, 10);
    const [n, g] = by.get(k) ?? [0, 0];
    by.set(k, [n + 1, g + Number(BigInt(c.gasUsed))]);
  }
  const calls = [...by.values()].reduce((s, [, g]) => s + g, 0);
  const total = Number(BigInt(t.gasUsed));
  let calldata = 0;
  for (let i = 2; i < data.length; i += 2) calldata += data.slice(i, i + 2) === '00' ? 4 : 16;
  return `total ${total} = executor's own (21k base, calldata ${calldata}, id word, storage reads, event, less the refund of the pull's slot) ${total - calls} + ${[
    ...by,
  ]
    .map(([k, [n, g]]) => `${k} ×${n} ${g}`)
    .join(' + ')}${ops}`;
}

/**
 * BALLAST_GAS_OPCODES=1: the executor's own frame (depth 1) by opcode (gas charged to the opcode itself; a CALL's
 * cost here is its access and value charges, the callee's gas is in the call table above), the ten largest.
 */
async function opcodes(data: Hex): Promise<string> {
  type Log = { op: string; gasCost: number; depth: number };
  const t = (await w.clients.public.request({
    method: 'debug_traceCall' as 'eth_call',
    params: [
      { from: w.account.address, to: w.executor, data, gas: toHex(5_000_000n) },
      'latest',
      { disableStack: true, disableMemory: true, disableStorage: true },
    ] as never,
  })) as unknown as { structLogs: Log[] };
  const by = new Map<string, [number, number]>();
  for (const l of t.structLogs) {
    if (l.depth !== 1) continue;
    const isCall = l.op === 'CALL' || l.op === 'STATICCALL' || l.op === 'DELEGATECALL';
    // a call's gasCost includes the gas it forwards; the callee's own use is counted in the call table
    const [n, g] = by.get(l.op) ?? [0, 0];
    by.set(l.op, [n + 1, g + (isCall ? 0 : l.gasCost)]);
  }
  const top = [...by].sort((a, b) => b[1][1] - a[1][1]).slice(0, 10);
  return `\n  own frame by opcode: ${top.map(([k, [n, g]]) => `${k} ×${n} ${g}`).join(', ')}`;
}

async function table(mix: GasLeg[]): Promise<number[]> {
  GAS_LEGS = mix;
  const deadline = (await w.clients.public.getBlock()).timestamp + 3600n;
  // steady state: the owner's standing approvals of the executor, the executor's of the Vault (set on first use)
  const warm = batchData(8, deadline, rebalanceId(`gas ${mix[0]![0]}`, 1));
  for (const token of warm.pulls.keys()) {
    await w.tx.call(token, approveAbi, 'approve', [w.executor, maxUint256], 'approve executor');
    await w.tx.call(token, approveAbi, 'approve', [w.fx.contracts.permit2!, maxUint256], 'approve Permit2');
  }
  await gasOf(w.executor, warm.data);
  // and Permit2's nonce word of these ids (cycles 1 … 255 share it): written once, as the id word is
  await gasOf(w.executor, await permitData(8, deadline, rebalanceId(`gas ${mix[0]![0]}`, 9)));
  const rows: string[] = [];
  const ratios: number[] = [];
  for (let n = 2; n <= 8; n++) {
    const snap = await w.clients.test.snapshot();
    let separate = 0n;
    for (let i = 0; i < n; i++) {
      const c = routerCall(i, deadline);
      separate += await gasOf(c.to, c.data);
    }
    await w.clients.test.revert({ id: snap });
    const snap2 = await w.clients.test.snapshot();
    const { data, pulls } = batchData(n, deadline, rebalanceId(`gas ${mix[0]![0]}`, n));
    await w.clients.test.revert({ id: snap2 });
    if (n === 2 || n === 8) console.log(`n = ${n}: ${await breakdown(data)}`);
    const snap3 = await w.clients.test.snapshot();
    const batch = await gasOf(w.executor, data);
    await w.clients.test.revert({ id: snap3 });
    const snap4 = await w.clients.test.snapshot();
    const permit = await gasOf(w.executor, await permitData(n, deadline, rebalanceId(`gas ${mix[0]![0]}`, n)));
    await w.clients.test.revert({ id: snap4 });
    const ratio = Number(batch) / Number(separate);
    ratios.push(ratio);
    rows.push(
      `| ${n} | ${separate} | ${batch} | ${ratio.toFixed(2)}× | ${permit} | ${(Number(permit) / Number(separate)).toFixed(2)}× | +${permit - batch} | ${pulls.size} |`,
    );
  }
  console.log(mix === MIXED ? 'mixed legs (v2, v3, Balancer, v4)' : 'Balancer legs only');
  console.log(
    '| n legs | n router swaps from the wallet (gas) | one batch, standing allowances (gas) | batch / separate | one batch, Permit2 signature (gas) | Permit2 batch / separate | Permit2 − standing | tokens pulled |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  return ratios;
}

test('gas: one n-leg batch vs n separate router swaps from the wallet, n = 2 … 8, two leg mixes', async () => {
  // what this figure guards: the batch's fixed cost is spread as n grows (the ratio falls by a quarter or more
  // from 2 to 8 legs) and 8 legs cost about what 8 swaps do, not more (within the ±3% that the v2 pairs' price
  // accumulators add to the separate swaps, depending on whether the block timestamp moved)
  for (const mix of [MIXED, BALANCER]) {
    const r = await table(mix);
    assert.ok(r[r.length - 1]! < 0.75 * r[0]! && r[r.length - 1]! < 1.03, `ratios: ${r.join(', ')}`);
  }
});
