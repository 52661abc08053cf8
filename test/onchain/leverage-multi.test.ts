/**
 * Issue #23 item 1 with several assets, through the real CLI on anvil (real Aave v3 market, real lenders): a
 * position with two collateral assets (aWETH + aWBTC) and two debt assets (USDC + DAI) is rebalanced to its
 * target (LTV 45%, collateral 60/40, debt 70/30) in ONE transaction, funded by ONE Balancer loan of both debt
 * tokens, then by ONE Aave multi-asset flashLoan (each premium exactly in the journal); the health factor is
 * ≥ the floor after and the net weights are on target. A collateral swap with borrowing power to spare takes no
 * loan. Attacks: a forged multi-asset callback from a non-lender reverts; one of two loaned tokens not repaid
 * reverts the whole transaction, and a loan made unrepayable between the simulation and the block is journaled
 * "reverted, nothing changed". Bad configs: one line naming the field, exit 1, nothing written.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Address, maxUint256, parseAbi } from 'viem';
import { stringify } from 'yaml';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import { encodeLeverage, leverageArtifact } from '../../src/chain/lending/leverage.ts';
import { aaveFlashPremium } from '../../src/core/lending/flash-funding.ts';
import { chainTxs, cycles, runCycles, writeKeyFile } from './lever-serve-world.ts';
import {
  dir,
  erc20,
  healthFactor,
  journalPath,
  journalRows,
  lev,
  OWNER,
  otx,
  run,
  SINK,
  sendUnchecked,
  setupLeverWorld,
  teardownLeverWorld,
  w,
  withPremiumRaisedFirst,
} from './lever-world.ts';

const FLOOR = 1.5;
const TARGET_LTV = 0.45;
const SHARES = { WETH: 0.6, WBTC: 0.4, USDC: 0.7, DAI: 0.3 };
const delegation = parseAbi(['function approveDelegation(address delegatee, uint256 amount)']);
const scaledAbi = parseAbi(['function scaledBalanceOf(address) view returns (uint256)']);
let multiCfg: string;
const addr = (s: string) => w.tokens.get(s)!.address;
const reserve = (s: string) => w.fx.aaveReserves.find((r) => r.symbol === s)!;

function writeConfig(
  path: string,
  lending: Record<string, unknown>,
  extra: Record<string, [Address, unknown]> = {},
): void {
  const syms = w.fx.tokens.map((t) => t.symbol);
  const tokens = {
    ...Object.fromEntries(syms.map((s) => [s, addr(s)])),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v[0]])),
  };
  const feeds = {
    ...Object.fromEntries(syms.map((s) => [s, w.feeds[s]])),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, v[1]])),
  };
  writeFileSync(
    path,
    stringify({
      quote: 'USDC',
      target: { WETH: 0.5, USDC: 0.5 },
      chain: {
        tokens,
        feeds,
        maxSlippageBps: 100,
        maxDeviationBps: 150,
        lending: {
          pool: 'fixture',
          leverage: lev,
          collateral: ['WETH', 'WBTC'],
          debt: ['USDC', 'DAI'],
          shares: SHARES,
          minHealthFactor: FLOOR,
          targetLtv: TARGET_LTV,
          ...lending,
        },
      },
    }),
  );
}

async function account(): Promise<{ c: bigint; d: bigint }> {
  const r = await w.clients.public.readContract({
    address: w.fx.contracts.aavePool,
    abi: aavePoolAbi,
    functionName: 'getUserAccountData',
    args: [OWNER],
  });
  return { c: r[0], d: r[1] };
}

/** Borrows USDC and DAI (half each) until debt / collateral ≈ `target`, and spends them: the collateral is locked. */
async function relever(target: number): Promise<void> {
  const { c, d } = await account();
  const more = (c * BigInt(Math.round(target * 1e4))) / 10_000n - d; // base units of 1e8 USD
  if (more <= 0n) return;
  const pool = w.fx.contracts.aavePool;
  await otx.call(pool, aavePoolAbi, 'borrow', [addr('USDC'), more / 200n, 2n, 0, OWNER], 'borrow USDC');
  await otx.call(pool, aavePoolAbi, 'borrow', [addr('DAI'), (more / 2n) * 10n ** 10n, 2n, 0, OWNER], 'borrow DAI');
  for (const s of ['USDC', 'DAI']) {
    const held = await w.clients.public.readContract({
      address: addr(s),
      abi: erc20,
      functionName: 'balanceOf',
      args: [OWNER],
    });
    if (held > 0n) await otx.call(addr(s), erc20, 'transfer', [SINK, held], `spend ${s}`);
  }
}

const ltvNow = async () => {
  const { c, d } = await account();
  return Number(d) / Number(c);
};

async function fingerprint(): Promise<bigint[]> {
  const out: bigint[] = [];
  for (const s of ['WETH', 'WBTC', 'USDC', 'DAI']) {
    const r = reserve(s);
    for (const t of [r.aToken, r.variableDebtToken])
      out.push(
        await w.clients.public.readContract({
          address: t,
          abi: scaledAbi,
          functionName: 'scaledBalanceOf',
          args: [OWNER],
        }),
      );
  }
  return out;
}

/** A dry run's plan, as JSON. */
async function dryPlan(extra: string[] = []) {
  const r = await run(['--config', multiCfg, '--json', ...extra], undefined, false);
  assert.equal(r.code, 0, r.out + r.err);
  return JSON.parse(r.out);
}

before(async () => {
  await setupLeverWorld(); // 10 WETH supplied, 70% LTV in USDC, the owner's BallastLeverage approved for aWETH
  const pool = w.fx.contracts.aavePool;
  await w.tx.call(addr('WBTC'), erc20, 'transfer', [OWNER, 25n * 10n ** 6n], 'fund WBTC'); // 0.25 WBTC
  await otx.call(addr('WBTC'), erc20, 'approve', [pool, maxUint256], 'approve Pool WBTC');
  await otx.call(pool, aavePoolAbi, 'supply', [addr('WBTC'), 25n * 10n ** 6n, OWNER, 0], 'supply WBTC');
  await otx.call(reserve('WBTC').aToken, erc20, 'approve', [lev, maxUint256], 'approve aWBTC to BallastLeverage');
  for (const s of ['USDC', 'DAI'])
    await otx.call(reserve(s).variableDebtToken, delegation, 'approveDelegation', [lev, maxUint256], `delegate ${s}`);
  await relever(0.68);
  multiCfg = join(dir, 'multi.yaml');
  writeConfig(multiCfg, {});
});
after(teardownLeverWorld);

function checkOnTarget(plan: {
  netWeights: number[];
  multi: { targetWeights: number[]; legs: { symbol: string }[] };
  ltv: number;
}) {
  assert.ok(Math.abs(plan.ltv - TARGET_LTV) < 0.01, `LTV ${plan.ltv}`);
  for (const [k, x] of plan.netWeights.entries())
    assert.ok(
      Math.abs(x - plan.multi.targetWeights[k]!) < 0.02,
      `${plan.multi.legs[k]!.symbol}: net weight ${x} vs target ${plan.multi.targetWeights[k]}`,
    );
}

test('two collateral and two debt assets, one Balancer loan of both debt tokens: on target in one transaction', async () => {
  assert.ok(Math.abs((await ltvNow()) - 0.68) < 0.01);
  const dry = await dryPlan();
  assert.equal(dry.multi.plan.needsLoan, true, 'a 68% position cannot withdraw before it repays');
  const r = await run(['--config', multiCfg, '--json']);
  assert.equal(r.code, 0, r.out + r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.multi.funding.lender, 'balancer');
  assert.ok(out.multi.funding.loans.length >= 2, 'one loan of several tokens');
  assert.equal(out.outcome.kind, 'rebalanced');
  assert.equal(out.outcome.loans.length, out.multi.funding.loans.length);
  for (const l of out.outcome.loans) assert.equal(l.fee, '0', 'Balancer fee 0 on the fixture');
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  checkOnTarget(await dryPlan());
  const row = journalRows().at(-1)!;
  assert.equal(row.decision, 'rebalanced');
  assert.equal(JSON.parse(row.calls).loans.length, out.multi.funding.loans.length);
  console.log(`# lever multi gas balancer: ${out.outcome.gasUsed} (${out.routePools.length} route legs)`);
});

test('the same with one Aave multi-asset flashLoan: each premium exactly in the journal', async () => {
  await relever(0.68);
  const r = await run(['--config', multiCfg, '--lender', 'aave', '--json']);
  assert.equal(r.code, 0, r.out + r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.multi.funding.lender, 'aave');
  const detail = JSON.parse(journalRows().at(-1)!.detail!);
  const calls = JSON.parse(journalRows().at(-1)!.calls);
  assert.ok(detail.loans.length >= 2);
  for (const l of detail.loans) {
    const premium = aaveFlashPremium(BigInt(l.amount), 5n);
    assert.ok(premium > 0n);
    assert.equal(BigInt(l.fee), premium, `${l.asset}: the premium paid (event) = amount × 5 bps`);
    const planned = calls.loans.find((x: { asset: string }) => x.asset.toLowerCase() === l.asset.toLowerCase());
    assert.equal(
      BigInt(planned.fee),
      premium,
      `the premium planned = the premium paid: ${JSON.stringify({ detail: detail.loans, calls: calls.loans })}`,
    );
  }
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  checkOnTarget(await dryPlan());
  console.log(`# lever multi gas aave: ${out.outcome.gasUsed}`);
});

test('a collateral swap with borrowing power to spare takes no loan', async () => {
  const swapCfg = join(dir, 'swap.yaml');
  writeConfig(swapCfg, { shares: { ...SHARES, WETH: 0.4, WBTC: 0.6 } });
  const r = await run(['--config', swapCfg, '--json']);
  assert.equal(r.code, 0, r.out + r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.multi.plan.needsLoan, false);
  assert.equal(out.multi.funding, null);
  assert.equal(out.outcome.kind, 'rebalanced');
  assert.equal(out.outcome.lender, 0, 'LENDER_NONE');
  assert.deepEqual(out.outcome.loans, []);
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  const held = async (s: string) =>
    w.clients.public.readContract({ address: reserve(s).aToken, abi: erc20, functionName: 'balanceOf', args: [OWNER] });
  const wethValue = (Number(await held('WETH')) / 1e18) * 3000;
  const wbtcValue = (Number(await held('WBTC')) / 1e8) * 60_000;
  assert.ok(
    Math.abs(wbtcValue / wethValue - 1.5) < 0.05,
    `WBTC/WETH collateral ${wbtcValue / wethValue}, target 60/40`,
  );
});

test('forged multi-asset callbacks from a non-lender revert', async () => {
  const abi = leverageArtifact().abi;
  const attacker: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
  const forge = (functionName: string, args: readonly unknown[]) =>
    w.clients.public.simulateContract({ account: attacker, address: lev, abi, functionName, args });
  const two = [addr('USDC'), addr('DAI')];
  await assert.rejects(forge('executeOperation', [two, [1n, 1n], [0n, 0n], lev, '0x']), /ForgedCallback/);
  await assert.rejects(forge('receiveFlashLoan', [two, [1n, 1n], [0n, 0n], '0x']), /ForgedCallback/);
});

test('one of two loaned tokens not repaid reverts the whole transaction: nothing changed', async () => {
  await relever(0.6);
  const before = await fingerprint();
  const dry = await dryPlan(['--lender', 'balancer']);
  const loans = dry.multi.funding.loans as { token: Address; amount: string }[];
  assert.ok(loans.length >= 2);
  // the plan's own ops, but the swaps are dropped: nothing buys back the loaned tokens
  const block = await w.clients.public.getBlock();
  const isDebt = (t: Address) => ['USDC', 'DAI'].some((s) => addr(s).toLowerCase() === t.toLowerCase());
  // the first token's loan is spent (repaid or supplied for the owner), the second is held: only one is not repaid
  const data = encodeLeverage({
    lender: 'balancer',
    token: loans[0]!.token,
    amount: BigInt(loans[0]!.amount),
    loans: loans.map((l) => ({ token: l.token, amount: BigInt(l.amount) })),
    pre: [
      { op: isDebt(loans[0]!.token) ? 'repay' : 'supply', asset: loans[0]!.token, amount: BigInt(loans[0]!.amount) },
    ],
    steps: [],
    post: [],
    minHealthFactor: 0n,
    deadline: block.timestamp + 600n,
  });
  const rc = await sendUnchecked(otx, lev, data);
  assert.equal(rc.status, 'reverted');
  assert.deepEqual(await fingerprint(), before, 'reverted, nothing changed');
  try {
    await w.clients.public.call({ account: OWNER, to: lev, data });
    assert.fail('no revert');
  } catch (e) {
    assert.match(String((e as Error).message), /LoanNotRepaid|0x[0-9a-f]{8}/);
  }
});

test('a two-token Aave loan made unrepayable before its block: journaled "reverted, nothing changed"', async () => {
  await relever(0.68);
  const before = await fingerprint();
  const { result: r } = await withPremiumRaisedFirst(() => run(['--config', multiCfg, '--lender', 'aave']));
  assert.equal(r.code, 75, r.out + r.err);
  assert.match(r.err, /journaled "reverted, nothing changed"/);
  const row = journalRows().at(-1)!;
  assert.equal(row.decision, 'failed');
  assert.equal(row.reason, 'reverted, nothing changed');
  assert.ok(JSON.parse(row.calls).loans.length >= 2);
  assert.deepEqual(await fingerprint(), before);
});

test('bad multi-asset configs: one line naming the field, exit 1, nothing written', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [
      { shares: { WETH: 0.5, WBTC: 0.4, USDC: 0.5, DAI: 0.5 } },
      /chain\.lending\.shares: the collateral assets' shares sum to 0\.9, not 1/,
    ],
    [{ shares: { WETH: 0.6, WBTC: 0.4, USDC: 0.7 } }, /chain\.lending\.shares\.DAI: missing/],
    [{ debt: ['USDC', 'WETH'] }, /chain\.lending\.debt: WETH is also the collateral/],
    [
      { targetLtv: 0.6 },
      /chain\.lending\.targetLtv: 0\.6 with these shares leaves a health factor of 1\.3\d+, below minHealthFactor 1\.5/,
    ],
    [
      { collateral: ['WETH', 'AWETH'], shares: { WETH: 0.6, AWETH: 0.4, USDC: 0.7, DAI: 0.3 } },
      /chain\.lending\.collateral: AWETH is not a reserve of the Aave Pool/,
    ],
    [{ collateral: 'WETH', debt: 'USDC' }, /chain\.lending\.shares: only with several collateral or debt assets/],
  ];
  const bad = join(dir, 'bad-multi.yaml');
  const journal = join(dir, 'bad-journal.db');
  for (const [over, re] of cases) {
    const aweth = JSON.stringify(over).includes('AWETH');
    // a token of chain.tokens (with a feed) that is not a reserve of the market: WETH's aToken
    writeConfig(bad, over, aweth ? { AWETH: [reserve('WETH').aToken, w.feeds.WETH] } : {});
    rmSync(journal, { force: true });
    // the file's own errors are found before a journal is opened; the chain's (a reserve, the target's health
    // factor at the market's thresholds) in a dry run
    const chainRead = aweth || 'targetLtv' in over;
    const r = await run(['--config', bad, '--journal', journal], undefined, !chainRead);
    assert.equal(r.code, 1, `${JSON.stringify(over)}: ${r.out}${r.err}`);
    assert.match(r.err, re);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.ok(!existsSync(journal), 'nothing written');
  }
  assert.ok(existsSync(journalPath()));
});

test('`ballast serve`: a lever venue with two collateral and two debt assets runs a cycle to its target', async () => {
  writeKeyFile();
  await relever(0.68);
  // the target's debt weights sum to the target LTV; each role's weights split as its shares
  const keep = 1 - TARGET_LTV;
  const target = {
    WETH: SHARES.WETH * keep,
    WBTC: SHARES.WBTC * keep,
    USDC: SHARES.USDC * TARGET_LTV,
    DAI: 1 - SHARES.WETH * keep - SHARES.WBTC * keep - SHARES.USDC * TARGET_LTV,
  };
  const [l] = await runCycles('multi-serve', {
    portfolio: { target },
    venue: { collateral: ['WETH', 'WBTC'], debt: ['USDC', 'DAI'], lender: 'balancer' },
  });
  assert.match(l!, /^CYCLE 1 rebalanced /, l);
  const txs = chainTxs('multi-serve');
  assert.equal(txs.length, 1, 'one transaction');
  assert.equal(txs[0]!.state, 'filled');
  const row = cycles('multi-serve')[0]!;
  assert.match(row.reason, /one loan of [23] tokens/);
  assert.ok(JSON.parse(txs[0]!.calls).loans.length >= 2);
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  assert.ok(Math.abs((await ltvNow()) - TARGET_LTV) < 0.01, `LTV ${await ltvNow()}`);
  checkOnTarget(await dryPlan());
});
