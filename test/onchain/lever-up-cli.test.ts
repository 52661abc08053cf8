/**
 * Issue #23 item 1 through the real CLI on anvil (real Aave v3 market, real lenders): a position BELOW its
 * `targetLtv` is levered up in ONE transaction: BallastLeverage flash-borrows WETH, supplies it for the owner,
 * borrows USDC on the owner's behalf (credit delegation) and swaps it back to repay the loan. Without the
 * delegation the CLI refuses, naming approveDelegation, and sends nothing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { maxUint256, parseAbi } from 'viem';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import {
  dUsdc,
  erc20,
  FLOOR,
  healthFactor,
  journalRows,
  lev,
  ltv,
  OWNER,
  otx,
  run,
  setupLeverWorld,
  teardownLeverWorld,
  usdc,
  w,
} from './lever-world.ts';

const delegation = parseAbi(['function approveDelegation(address delegatee, uint256 amount)']);
const nonce = () => w.clients.public.getTransactionCount({ address: OWNER });

before(async () => {
  await setupLeverWorld();
  // the 70%-LTV world repaid down to 30%: USDC from the deployer, repaid by the owner
  const pool = w.fx.contracts.aavePool;
  const r = await w.clients.public.readContract({
    address: pool,
    abi: aavePoolAbi,
    functionName: 'getUserAccountData',
    args: [OWNER],
  });
  const repay = (r[1] - (r[0] * 3_000n) / 10_000n) / 100n; // base (1e8 USD) → USDC (1e6)
  await w.tx.call(usdc, erc20, 'transfer', [OWNER, repay], 'fund USDC');
  await otx.call(usdc, erc20, 'approve', [pool, maxUint256], 'approve USDC');
  await otx.call(pool, aavePoolAbi, 'repay', [usdc, repay, 2n, OWNER], 'repay to 30%');
});
after(teardownLeverWorld);

test('below the target without credit delegation: refused naming approveDelegation, nothing sent', async () => {
  assert.ok(Math.abs((await ltv()) - 0.3) < 0.005, `LTV ${await ltv()}`);
  const [l0, n0] = [await ltv(), await nonce()];
  const r = await run();
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /approveDelegation\(0x[0-9a-fA-F]{40}, amount\) on USDC's variable debt token .*nothing sent/);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  assert.equal(await ltv(), l0);
  assert.equal(await nonce(), n0);
});

test('a 30% LTV position levered to 50% in one transaction: HF ≥ floor, journal filled', async () => {
  await otx.call(dUsdc, delegation, 'approveDelegation', [lev, maxUint256], 'delegate USDC credit');
  const dry = await run([], undefined, false);
  assert.equal(dry.code, 0, dry.out + dry.err);
  assert.match(dry.out, /LTV 30\.\d\d%/);
  assert.match(
    dry.out,
    /plan: lever up to LTV 50\.00%: flash-borrow and supply \d+ WETH base units .* borrow \d+ USDC/,
  );
  assert.match(dry.out, /simulated: success, gas \d+\ndry run: nothing sent/);
  const n0 = await nonce();
  const r = await run(['--json']);
  assert.equal(r.code, 0, r.out + r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.funding.lender, 'balancer', 'the cheapest lender (fee 0 on the fixture)');
  assert.equal(out.outcome.kind, 'rebalanced');
  assert.equal(BigInt(out.funding.amount), BigInt(out.leverUp.supply), 'the loan is the collateral supplied');
  // real minOuts: the simulated output less maxSlippageBps (1%) on every final leg, covering the loan plus its fee
  assert.ok(BigInt(out.minOut) <= BigInt(out.expectedOut));
  assert.ok(BigInt(out.minOut) >= (BigInt(out.expectedOut) * 9_899n) / 10_000n, `${out.minOut} ${out.expectedOut}`);
  assert.ok(BigInt(out.minOut) >= BigInt(out.funding.amount) + BigInt(out.funding.fee));
  const balancer = new Set(
    w.fx.pools.filter((p) => p.protocol.startsWith('balancer')).map((p) => p.address.toLowerCase()),
  );
  assert.ok(out.routePools.length > 0 && out.routePools.every((p: string) => !balancer.has(p.toLowerCase())));
  assert.equal(await nonce(), n0 + 1, 'one transaction');
  const after = await ltv();
  assert.ok(Math.abs(after - 0.5) < 0.005, `LTV ${after}`);
  assert.ok((await healthFactor()) >= BigInt(FLOOR * 1e18));
  const row = journalRows().at(-1)!;
  assert.equal(row.decision, 'rebalanced');
  assert.equal(row.state, 'filled');
  const calls = JSON.parse(row.calls);
  assert.equal(calls.supply, out.leverUp.supply);
  assert.equal(calls.borrow, out.leverUp.borrow);
  for (const t of [w.tokens.get('WETH')!.address, usdc])
    assert.equal(
      await w.clients.public.readContract({ address: t, abi: erc20, functionName: 'balanceOf', args: [lev] }),
      0n,
      'nothing left in BallastLeverage',
    );
  console.log(`# lever up gas balancer: ${out.outcome.gasUsed}, LTV 30% → ${(after * 100).toFixed(2)}%`);
  // on target now: the next run sends nothing
  const again = await run();
  assert.equal(again.code, 0, again.out + again.err);
  assert.match(again.out, /plan: nothing to send: on target/);
  assert.equal(await nonce(), n0 + 1);
});
