/**
 * The executor's Aave steps (contracts/src/lean/AaveSteps.sol, issue #22 item 2) on anvil with the real Aave v3
 * market: an idle sleeve's withdrawal, the swap and the re-supply in ONE transaction; at 100% utilisation the
 * same batch reverts and nothing changes; a step naming another reserve's aToken reverts NotAToken.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, type Hex, parseAbi, zeroAddress, zeroHash } from 'viem';
import { localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { configureExecutor, deployExecutor, executorArtifact, poolSources } from '../../src/chain/executor/artifact.ts';
import { type ExecuteArgs, encodeExecute, rebalanceId, simulateExecute } from '../../src/chain/executor/calldata.ts';
import { type ExecutorStep, ONE } from '../../src/chain/executor/legs.ts';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import { aaveSupplyStep, aaveWithdrawStep } from '../../src/chain/lending/steps.ts';
import { balances, SLIPPAGE_CAP_BPS, startWorld, type World } from './setup.ts';

/** anvil's dev account #4 (unlocked on anvil): the sleeve's owner. */
const OWNER: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
const erc20 = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address) view returns (uint256)',
]);

let w: World;
let otx: TxSender;
let executor: Address;
let usdc: Address;
let weth: Address;
let aUsdc: Address;
let aWeth: Address;
let pool: Address;
before(async () => {
  w = await startWorld();
  pool = w.fx.contracts.aavePool;
  usdc = w.tokens.get('USDC')!.address;
  weth = w.tokens.get('WETH')!.address;
  aUsdc = w.fx.aaveReserves.find((r) => r.symbol === 'USDC')!.aToken;
  aWeth = w.fx.aaveReserves.find((r) => r.symbol === 'WETH')!.aToken;
  otx = txSender(localClients(w.node.rpcUrl, OWNER, w.fx.chainId));
  executor = await deployExecutor(otx, w.fx.contracts);
  // an aToken redeems 1:1 for its underlying: the executor values it at the underlying's feed
  await configureExecutor(otx, executor, {
    feeds: [
      ...w.fx.tokens.map((t) => ({ token: t.address, feed: w.feeds[t.symbol]! })),
      { token: aUsdc, feed: w.feeds.USDC! },
      { token: aWeth, feed: w.feeds.WETH! },
    ],
    slippageCapBps: SLIPPAGE_CAP_BPS,
  });
  await w.tx.call(usdc, erc20, 'transfer', [OWNER, 10_000n * 10n ** 6n], 'fund USDC');
  await otx.call(usdc, erc20, 'approve', [pool, 10_000n * 10n ** 6n], 'approve Pool');
  await otx.call(pool, aavePoolAbi, 'supply', [usdc, 10_000n * 10n ** 6n, OWNER, 0], 'supply USDC');
  await otx.call(aUsdc, erc20, 'approve', [executor, 2n ** 256n - 1n], 'approve executor aUSDC');
});
after(() => w?.node.stop());

const v2Step = (tokenIn: Address, tokenOut: Address): ExecutorStep => ({
  kind: 0,
  flags: 0, // the output stays in the executor, for the supply step
  tokenIn,
  tokenOut,
  fee: 0,
  poolId: zeroHash,
  share: ONE,
  minOut: 0n,
  amountIn: 0n,
  amountOut: 0n,
  pool: tokenIn,
  toOwner: false,
});

let n = 0;
async function sleeveBatch(withdrawnAs: Address = usdc, supplied: Address = aWeth): Promise<ExecuteArgs> {
  const block = await w.clients.public.getBlock();
  const amount = 5_000n * 10n ** 6n;
  return {
    id: rebalanceId('aave-sleeve', ++n),
    pulls: [{ token: aUsdc, amount }],
    legs: [
      aaveWithdrawStep(pool, aUsdc, withdrawnAs, amount, false),
      v2Step(usdc, weth),
      aaveSupplyStep(pool, weth, supplied, ONE / 2n, 0n),
    ],
    maxSlippageBps: 100,
    deadline: block.timestamp + 600n,
  };
}

const send = (data: Hex) =>
  otx.clients.wallet.sendTransaction({
    account: OWNER,
    chain: otx.clients.wallet.chain,
    to: executor,
    data,
    gas: 3_000_000n,
  });

test('withdraw 5,000 USDC, swap it for WETH, supply half: one transaction, exact to the simulation, nothing left in the executor', async () => {
  const pub = w.clients.public;
  const snap = await w.clients.test.snapshot();
  const b = await sleeveBatch();
  const toks = [usdc, weth, aUsdc, aWeth];
  const b0 = await balances(pub, OWNER, toks);
  const sim = await simulateExecute(pub, OWNER, executor, encodeExecute(b));
  const [withdrawn, bought, supplied] = sim.outs;
  assert.equal(withdrawn, 5_000n * 10n ** 6n);
  assert.equal(supplied, bought! / 2n);
  // mined at the timestamp the balances were read at: no interest accrues between b0 and the transaction, so
  // only Aave's rounding (±1 wei) separates the aToken difference from the amount withdrawn
  await w.clients.test.setNextBlockTimestamp({ timestamp: (await pub.getBlock()).timestamp });
  const hash = await send(encodeExecute(b));
  const rc = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(rc.status, 'success');
  const b1 = await balances(pub, OWNER, toks);
  const near = (x: bigint, y: bigint, what: string) => assert.ok(x - y <= 1n && y - x <= 1n, `${what}: ${x} vs ${y}`);
  assert.equal(b1[0], b0[0], 'the wallet USDC is untouched');
  near(b0[2]! - b1[2]!, 5_000n * 10n ** 6n, 'aUSDC withdrawn (aToken rounding: ±1 wei)');
  assert.equal(b1[1]! - b0[1]!, bought! - supplied!, 'the rest of the WETH swept to the owner');
  near(b1[3]! - b0[3]!, supplied!, 'aWETH minted to the owner');
  assert.deepEqual(await balances(pub, executor, toks), [0n, 0n, 0n, 0n], 'the executor keeps nothing');
  console.log(`# one transaction: withdraw + swap + supply, ${rc.gasUsed} gas`);
  await w.clients.test.revert({ id: snap });
});

test('at 100% utilisation the same batch reverts and every balance is unchanged', async () => {
  const pub = w.clients.public;
  const snap = await w.clients.test.snapshot();
  const left = await pub.readContract({ address: usdc, abi: erc20, functionName: 'balanceOf', args: [aUsdc] });
  await w.tx.call(pool, aavePoolAbi, 'borrow', [usdc, left, 2n, 0, w.fx.deployer], 'borrow it all');
  const b = await sleeveBatch();
  await assert.rejects(simulateExecute(pub, OWNER, executor, encodeExecute(b)));
  const toks = [usdc, weth, aUsdc, aWeth];
  const b0 = await balances(pub, OWNER, toks);
  const hash = await send(encodeExecute(b));
  assert.equal((await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 })).status, 'reverted');
  assert.deepEqual(await balances(pub, OWNER, toks), b0);
  await w.clients.test.revert({ id: snap });
});

test('a step naming another reserve’s aToken reverts NotAToken (withdraw and supply)', async () => {
  const pub = w.clients.public;
  // aUSDC withdrawn as if it were WETH's aToken; WETH supplied as if aUSDC were its aToken
  await assert.rejects(simulateExecute(pub, OWNER, executor, encodeExecute(await sleeveBatch(weth))), /NotAToken/);
  await assert.rejects(
    simulateExecute(pub, OWNER, executor, encodeExecute(await sleeveBatch(aUsdc, aUsdc))),
    /NotAToken/,
  );
});

test('an executor deployed without an Aave Pool refuses the Aave steps (AaveDisabled)', async () => {
  const a = executorArtifact();
  const s = poolSources(w.fx.contracts);
  const bare = await otx.deploy(
    a.abi,
    a.bytecode,
    [
      OWNER,
      s.v2Factory,
      s.v2InitCodeHash,
      s.v3Factory,
      s.v3InitCodeHash,
      s.vault,
      s.v4PoolManager,
      zeroAddress,
      zeroAddress,
    ],
    'BallastExecutor (no Aave)',
  );
  await otx.call(aUsdc, erc20, 'approve', [bare, 2n ** 256n - 1n], 'approve bare executor');
  await assert.rejects(
    simulateExecute(w.clients.public, OWNER, bare, encodeExecute(await sleeveBatch())),
    /AaveDisabled/,
  );
});
