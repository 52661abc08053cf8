/**
 * Issue #23 on anvil with the real Aave v3 market and the fixture's lenders: an owner's 70%-LTV aWETH-collateral /
 * USDC-debt position is deleveraged to its target in ONE transaction through its BallastLeverage, funded by a
 * Balancer flash loan, then (re-levered) by an Aave flashLoanSimple whose 5 bps premium is exactly what the event
 * reports, then by a Uniswap v3 flash; the health factor is ≥ the floor after. Attacks: a forged callback from a
 * non-lender, a v3 lender pool the route uses, an unrepaid loan (the whole transaction reverts, the position's
 * scaled balances unchanged), a health factor below the floor, a caller who is not the owner.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type Abi,
  type Address,
  decodeErrorResult,
  decodeEventLog,
  encodeFunctionData,
  type Hex,
  maxUint256,
  parseAbi,
} from 'viem';
import { localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { poolSources, uniswapPoolAddress } from '../../src/chain/executor/artifact.ts';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import {
  aaveFlashPremiumBps,
  deployLeverage,
  encodeLeverage,
  type LenderKind,
  type LeverageStep,
  leverageArtifact,
  balancerFlashFee as readBalancerFee,
} from '../../src/chain/lending/leverage.ts';
import { aaveFlashPremium } from '../../src/core/lending/flash-funding.ts';
import { healthFactor, type LendingLeg, planDeleverage } from '../../src/core/lending/leverage.ts';
import { sendUnchecked } from './lever-world.ts';
import { startWorld, type World } from './setup.ts';

/** anvil's dev account #4 (unlocked on anvil): the position's owner. */
const OWNER: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
const ONE = 10n ** 36n;
const FLOOR = 1.5;
const erc20 = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address) view returns (uint256)',
  'function scaledBalanceOf(address) view returns (uint256)',
  'function approveDelegation(address delegatee, uint256 amount)',
]);
const oracleAbi = parseAbi(['function getAssetPrice(address) view returns (uint256)']);

let w: World;
let otx: TxSender;
let lev: Address;
let weth: Address;
let usdc: Address;
let aWeth: Address;
let dUsdc: Address;
before(async () => {
  w = await startWorld();
  otx = txSender(localClients(w.node.rpcUrl, OWNER, w.fx.chainId));
  lev = await deployLeverage(otx, w.fx.contracts);
  weth = w.tokens.get('WETH')!.address;
  usdc = w.tokens.get('USDC')!.address;
  aWeth = w.fx.aaveReserves.find((r) => r.symbol === 'WETH')!.aToken;
  dUsdc = w.fx.aaveReserves.find((r) => r.symbol === 'USDC')!.variableDebtToken;
  const pool = w.fx.contracts.aavePool;
  await w.tx.call(weth, erc20, 'transfer', [OWNER, 10n * 10n ** 18n], 'fund WETH');
  await otx.call(weth, erc20, 'approve', [pool, maxUint256], 'approve Pool');
  await otx.call(pool, aavePoolAbi, 'supply', [weth, 10n * 10n ** 18n, OWNER, 0], 'supply WETH');
  await relever(0.7);
  // what the owner grants its BallastLeverage: its aWETH (withdrawals) and USDC credit (borrows)
  await otx.call(aWeth, erc20, 'approve', [lev, maxUint256], 'approve aWETH');
  await otx.call(dUsdc, erc20, 'approveDelegation', [lev, maxUint256], 'delegate USDC credit');
});
after(() => w?.node.stop());

const read = (address: Address, functionName: 'balanceOf' | 'scaledBalanceOf', who: Address) =>
  w.clients.public.readContract({ address, abi: erc20, functionName, args: [who] });

async function price(token: Address): Promise<number> {
  const p = await w.clients.public.readContract({
    address: w.fx.contracts.aaveOracle,
    abi: oracleAbi,
    functionName: 'getAssetPrice',
    args: [token],
  });
  return Number(p) / 1e8;
}

/** The owner's position as the planner sees it. */
async function legs(): Promise<LendingLeg[]> {
  return [
    {
      symbol: 'WETH',
      price: await price(weth),
      decimals: 18,
      wallet: await read(weth, 'balanceOf', OWNER),
      collateral: await read(aWeth, 'balanceOf', OWNER),
      debt: 0n,
      liquidationThreshold: 0.825,
    },
    {
      symbol: 'USDC',
      price: await price(usdc),
      decimals: 6,
      wallet: 0n, // the wallet's USDC is not used for repayment here: every repayment is a locked leg
      collateral: 0n,
      debt: await read(dUsdc, 'balanceOf', OWNER),
      liquidationThreshold: 0.8,
    },
  ];
}

/** Borrows more USDC (from the owner's wallet call) until debt / collateral ≈ ltv. */
async function relever(ltv: number): Promise<void> {
  const l = await legs();
  const c = (Number(l[0]!.collateral) / 1e18) * l[0]!.price;
  const d = (Number(l[1]!.debt) / 1e6) * l[1]!.price;
  const more = BigInt(Math.floor(((ltv * c - d) / l[1]!.price) * 1e6));
  if (more > 0n) {
    await otx.call(w.fx.contracts.aavePool, aavePoolAbi, 'borrow', [usdc, more, 2n, 0, OWNER], 'borrow USDC');
  }
}

/** WETH → USDC through the v3 0.05% pool, the whole balance, at least `minOut`. */
const sellWeth = (minOut: bigint): LeverageStep => ({
  kind: 1,
  flags: 0,
  tokenIn: weth,
  tokenOut: usdc,
  fee: 500,
  poolId: `0x${'0'.repeat(64)}` as Hex,
  share: ONE,
  minOut,
});

async function deleverageCall(lender: LenderKind, over: { withdrawDiv?: bigint; floor?: number; v3Fee?: number } = {}) {
  const plan = planDeleverage(await legs(), 0, 1, { minHealthFactor: FLOOR, targetLtv: 0.5 }, 0.01);
  assert.ok(plan.loan > 0n, 'the repayment needs a loan: the collateral is locked');
  const fee =
    lender === 'aave'
      ? aaveFlashPremium(plan.loan, await aaveFlashPremiumBps(w.clients.public, w.fx.contracts.aavePool))
      : lender === 'uniswap-v3'
        ? (plan.loan * 3000n) / 1_000_000n + 1n
        : 0n;
  const block = await w.clients.public.getBlock();
  const data = encodeLeverage({
    lender,
    token: usdc,
    amount: plan.loan,
    ...(lender === 'uniswap-v3' ? { pairToken: weth, v3Fee: over.v3Fee ?? 3000 } : {}),
    pre: [
      { op: 'repay', asset: usdc, amount: plan.loan },
      { op: 'withdraw', asset: weth, amount: plan.withdraw / (over.withdrawDiv ?? 1n) },
    ],
    steps: [sellWeth(0n)],
    post: [],
    minHealthFactor: BigInt(Math.round((over.floor ?? FLOOR) * 1e18)),
    deadline: block.timestamp + 600n,
  });
  return { plan, fee, data };
}

const send = (data: Hex) => sendUnchecked(otx, lev, data);

function leverageEvent(logs: readonly { address: Address; data: Hex; topics: readonly Hex[] }[]) {
  for (const l of logs) {
    if (l.address.toLowerCase() !== lev.toLowerCase()) continue;
    try {
      const e = decodeEventLog({ abi: leverageArtifact().abi, data: l.data, topics: l.topics as [Hex, ...Hex[]] });
      if (e.eventName === 'LeverageRebalanced') return e.args as unknown as { fee: bigint; healthFactor: bigint };
    } catch {
      // another event
    }
  }
  return assert.fail('no LeverageRebalanced event');
}

/** The custom error a call reverts with, decoded with `abi` (BallastLeverage's by default). */
async function revertName(from: Address, to: Address, data: Hex, abi: Abi = leverageArtifact().abi): Promise<string> {
  try {
    await w.clients.public.call({ account: from, to, data });
  } catch (e) {
    const m = /custom error (0x[0-9a-f]{8}):? ?([0-9a-f]*)/.exec(String((e as Error).message));
    if (!m) return String((e as Error).message).split('\n')[0] ?? '';
    return decodeErrorResult({ abi, data: `${m[1]}${m[2]}` as Hex }).errorName;
  }
  return 'no revert';
}

async function onChainHf(): Promise<bigint> {
  const r = await w.clients.public.readContract({
    address: w.fx.contracts.aavePool,
    abi: aavePoolAbi,
    functionName: 'getUserAccountData',
    args: [OWNER],
  });
  return r[5];
}

async function deleverage(lender: LenderKind) {
  const before = await legs();
  assert.ok(
    Math.abs(
      ((Number(before[1]!.debt) / 1e6) * before[1]!.price) /
        ((Number(before[0]!.collateral) / 1e18) * before[0]!.price) -
        0.7,
    ) < 0.01,
  );
  assert.ok(healthFactor(before) < FLOOR, 'below the floor before');
  const { plan, fee, data } = await deleverageCall(lender);
  const r = await send(data);
  assert.equal(r.status, 'success');
  const ev = leverageEvent(r.logs);
  assert.equal(ev.fee, fee, `${lender} fee as computed at plan time`);
  const hf = await onChainHf();
  assert.ok(hf >= BigInt(FLOOR * 1e18), `health factor ${hf} ≥ floor`);
  const after = await legs();
  const ltv =
    ((Number(after[1]!.debt) / 1e6) * after[1]!.price) / ((Number(after[0]!.collateral) / 1e18) * after[0]!.price);
  assert.ok(Math.abs(ltv - 0.5) < 0.01, `LTV ${ltv} on its 50% target`);
  // the debt accrues interest between blocks (wall-clock timestamps): a few units of 1e-6 USDC per second
  assert.ok(before[1]!.debt - after[1]!.debt >= plan.loan - 1_000n, 'the debt fell by the loan');
  // nothing stays in the contract
  for (const t of [weth, usdc, aWeth]) assert.equal(await read(t, 'balanceOf', lev), 0n);
  return { ev, plan };
}

test('Balancer flash loan: 70% LTV → 50% in one transaction, fee 0 (the ProtocolFeesCollector), HF ≥ floor', async () => {
  assert.equal(await readBalancerFee(w.clients.public, w.fx.contracts.balancerVault), 0n);
  await deleverage('balancer');
});

test('Aave flashLoanSimple: the 5 bps premium read from the Pool is exactly the fee paid', async () => {
  await relever(0.7);
  assert.equal(await aaveFlashPremiumBps(w.clients.public, w.fx.contracts.aavePool), 5n);
  const { ev, plan } = await deleverage('aave');
  assert.equal(ev.fee, (plan.loan * 5n + 5_000n) / 10_000n);
  assert.ok(ev.fee > 0n);
});

test('Uniswap v3 flash from the 0.3% pool while the route swaps through the 0.05% pool', async () => {
  await relever(0.7);
  await deleverage('uniswap-v3');
});

test('a v3 lender pool the route itself uses is refused', async () => {
  await relever(0.7);
  const { data } = await deleverageCall('uniswap-v3', { v3Fee: 500 });
  const lender = uniswapPoolAddress(poolSources(w.fx.contracts), usdc, weth, 500);
  assert.ok((await w.clients.public.getCode({ address: lender })) !== undefined, "the route's own pool");
  assert.equal(await revertName(OWNER, lev, data), 'LenderPoolInRoute');
});

test('an unrepaid loan reverts the whole transaction: the position is unchanged', async () => {
  const before = [await read(aWeth, 'scaledBalanceOf', OWNER), await read(dUsdc, 'scaledBalanceOf', OWNER)];
  const { data } = await deleverageCall('balancer', { withdrawDiv: 10n });
  assert.equal(await revertName(OWNER, lev, data), 'LoanNotRepaid');
  const r = await send(data);
  assert.equal(r.status, 'reverted');
  const after = [await read(aWeth, 'scaledBalanceOf', OWNER), await read(dUsdc, 'scaledBalanceOf', OWNER)];
  assert.deepEqual(after, before, 'reverted, nothing changed');
});

test('a health factor below the floor after reverts', async () => {
  const { data } = await deleverageCall('balancer', { floor: 5 });
  assert.equal(await revertName(OWNER, lev, data), 'HealthFactorBelowFloor');
});

test('forged callbacks from a non-lender revert; only the owner starts a rebalance', async () => {
  const abi = leverageArtifact().abi;
  const attacker: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'; // anvil's account #1, not a lender
  const forge = (functionName: string, args: readonly unknown[]) =>
    w.clients.public.simulateContract({ account: attacker, address: lev, abi, functionName, args });
  await assert.rejects(forge('receiveFlashLoan', [[usdc], [1n], [0n], '0x']), /ForgedCallback/);
  await assert.rejects(forge('executeOperation', [usdc, 1n, 0n, lev, '0x']), /ForgedCallback/);
  await assert.rejects(forge('uniswapV3FlashCallback', [1n, 0n, '0x']), /ForgedCallback/);
  await assert.rejects(forge('runSteps', [[], 0n]), /ForgedCallback/);
  // even the real lenders, called by someone else, cannot call back into it outside its own call
  const loan = encodeFunctionData({
    abi: parseAbi(['function flashLoanSimple(address,address,uint256,bytes,uint16)']),
    functionName: 'flashLoanSimple',
    args: [lev, usdc, 1_000_000n, '0x', 0],
  });
  assert.equal(await revertName(attacker, w.fx.contracts.aavePool, loan), 'ForgedCallback');
  const { data } = await deleverageCall('balancer');
  assert.equal(await revertName(attacker, lev, data), 'NotOwner');
});

test('levering up in one transaction: a WETH loan supplied for the owner, USDC borrowed on its behalf, swapped back', async () => {
  const before = await legs();
  const wethPrice = before[0]!.price;
  const loan = 5n * 10n ** 17n; // 0.5 WETH more collateral on the 70%-LTV position the tests above left
  const borrow = BigInt(Math.floor(0.5 * wethPrice * 1.01 * 1e6)); // enough USDC to buy them back with fees
  const block = await w.clients.public.getBlock();
  const data = encodeLeverage({
    lender: 'balancer',
    token: weth,
    amount: loan,
    pre: [
      { op: 'supply', asset: weth, amount: loan },
      { op: 'borrow', asset: usdc, amount: borrow },
    ],
    steps: [{ ...sellWeth(loan), tokenIn: usdc, tokenOut: weth }],
    post: [],
    minHealthFactor: BigInt(1.05e18),
    deadline: block.timestamp + 600n,
  });
  assert.equal(
    await revertName(OWNER, lev, data),
    'no revert',
    `${before[0]!.collateral} ${before[1]!.debt} ${wethPrice}`,
  );
  const r = await send(data);
  assert.equal(r.status, 'success');
  const after = await legs();
  assert.ok(after[0]!.collateral - before[0]!.collateral >= loan, 'collateral up by the loan');
  assert.ok(after[1]!.debt - before[1]!.debt >= borrow, 'debt up by the delegated borrow');
  assert.ok((await onChainHf()) >= BigInt(1.05e18));
  for (const t of [weth, usdc]) assert.equal(await read(t, 'balanceOf', lev), 0n);
});
