/**
 * Issue #22 through the real CLI (`ballast dex rebalance`) on anvil with the real Aave v3 market: a portfolio with
 * a `chain.idle` section. The owner holds 100 USDC in its wallet and 9,900 supplied, no WETH; target 50/50, both
 * sleeves at share 0.5. One executor transaction withdraws (what the sell needs, and what brings the USDC sleeve
 * down to its share), swaps and re-supplies half the WETH bought; the journal holds exactly that one chain
 * transaction. At 100% utilisation the CLI says "withdraw limited" and the partial rebalance runs the same way.
 * The gas of the one transaction is compared with the same moves as separate transactions (the old path).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Address, type Hex, maxUint256, parseAbi, parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { stringify } from 'yaml';
import { localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { encodeExecute, simulateExecute } from '../../src/chain/executor/calldata.ts';
import { aavePoolAbi } from '../../src/chain/fixture/deploy-aave.ts';
import { type IdleState, ownerCanPay, withSleeve } from '../../src/chain/lending/idle-batch.ts';
import { readSleeve } from '../../src/chain/lending/sleeve.ts';
import { validatedPrices } from '../../src/chain/oracles/guard.ts';
import { buildBatch, sizeTrades } from '../../src/chain/rebalance/build.ts';
import { netTrades } from '../../src/chain/rebalance/net.ts';
import { Journal } from '../../src/store/journal.ts';
import { ballast } from '../support/cli.ts';
import { balances, market, startWorld, type World } from './setup.ts';

/** anvil's dev key #2 (public): the portfolio's owner. */
const KEY2 = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a' as const;
const OWNER = privateKeyToAccount(KEY2).address;
const erc20 = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function balanceOf(address) view returns (uint256)',
]);
const E6 = 10n ** 6n;

let w: World;
let otx: TxSender;
let dir: string;
let executor: Address;
let snap: Hex;
let usdc: Address;
let weth: Address;
let aUsdc: Address;
let aWeth: Address;

function config(idle: unknown, withExecutor = true, target: Record<string, number> = { USDC: 0.5, WETH: 0.5 }): string {
  const syms = Object.keys(target);
  const doc = {
    quote: 'USDC',
    target,
    chain: {
      tokens: Object.fromEntries(syms.map((s) => [s, w.tokens.get(s)!.address])),
      feeds: Object.fromEntries(syms.map((s) => [s, w.feeds[s]])),
      ...(withExecutor ? { executor } : {}),
      owner: OWNER,
      maxSlippageBps: 100,
      maxDeviationBps: 150,
      idle,
    },
  };
  const path = join(dir, `portfolio-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}
const IDLE = { pool: 'fixture', assets: { USDC: { share: 0.5, buffer: '0' }, WETH: { share: 0.5 } } };

const cli = (cfg: string, ...more: string[]) =>
  ballast(
    'dex',
    'rebalance',
    '--rpc',
    w.node.rpcUrl,
    '--config',
    cfg,
    '--chain-file',
    join(dir, 'chain.json'),
    '--key-file',
    join(dir, 'key'),
    ...more,
  );

before(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'ballast-idle-'));
  writeFileSync(join(dir, 'chain.json'), JSON.stringify(w.fx));
  writeFileSync(join(dir, 'key'), KEY2);
  usdc = w.tokens.get('USDC')!.address;
  weth = w.tokens.get('WETH')!.address;
  aUsdc = w.fx.aaveReserves.find((r) => r.symbol === 'USDC')!.aToken;
  aWeth = w.fx.aaveReserves.find((r) => r.symbol === 'WETH')!.aToken;
  const pool = w.fx.contracts.aavePool;
  otx = txSender(localClients(w.node.rpcUrl, OWNER, w.fx.chainId));
  await w.tx.call(usdc, erc20, 'transfer', [OWNER, 10_000n * E6], 'fund USDC');
  await otx.call(usdc, erc20, 'approve', [pool, 9_900n * E6], 'approve Pool');
  await otx.call(pool, aavePoolAbi, 'supply', [usdc, 9_900n * E6, OWNER, 0], 'supply USDC');
  // --deploy-executor with chain.idle: the executor values the sleeve's aTokens at their underlying's feed
  const dep = await cli(config(IDLE, false), '--deploy-executor', '--json');
  assert.equal(dep.code, 0, dep.stderr);
  executor = JSON.parse(dep.stdout).executor;
  // the owner's standing approvals, given once: so the journal holds only the rebalance's own transaction
  for (const t of [usdc, weth, aUsdc]) await otx.call(t, erc20, 'approve', [executor, maxUint256], 'approve executor');
  snap = await w.clients.test.snapshot();
});
after(async () => {
  await w?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const near = (x: bigint, y: bigint, tol: bigint, what: string) =>
  assert.ok(x - y <= tol && y - x <= tol, `${what}: ${x} vs ${y} (±${tol})`);

function journalTxs(path: string, hash: string) {
  const j = Journal.open(path);
  try {
    const n = (j.db.prepare('SELECT count(*) AS n FROM chain_txs').get() as { n: number }).n;
    return { n, unfinished: j.chainTxs.unfinished().length, tx: j.chainTxs.findByHash(hash) };
  } finally {
    j.close();
  }
}

interface IdleJson {
  scale: number;
  limited: { asset: string; reason: string }[];
  moves: { asset: string; withdraw: string; forSells: string; supply: string }[];
}

test('one journaled transaction withdraws, swaps and re-supplies; balances as planned; gas vs separate transactions', async () => {
  await w.clients.test.revert({ id: snap });
  snap = await w.clients.test.snapshot();
  const pub = w.clients.public;
  const cfg = config(IDLE);
  const dry = await cli(cfg, '--json');
  assert.equal(dry.code, 0, dry.stderr);
  const d = JSON.parse(dry.stdout) as {
    idle: IdleJson;
    weights: { before: Record<string, number> };
    pulls: { token: string }[];
  };
  assert.deepEqual(d.idle.limited, []);
  assert.ok(
    d.pulls.some((x) => x.token === 'aUSDC'),
    'the aTokens withdrawn are pulled: --execute approves them first',
  );
  assert.ok(Math.abs(d.weights.before.USDC! - 1) < 1e-9, 'the aTokens count as USDC: all USDC');
  const toks = [usdc, weth, aUsdc, aWeth];
  const b0 = await balances(pub, OWNER, toks);
  const jpath = join(dir, 'journal-full.db');
  const run = await cli(cfg, '--execute', '--json', '--journal', jpath);
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout) as {
    idle: IdleJson;
    sent: { txHash: Hex; gasUsed: string };
    legs: { in: { token: string } }[];
    weights: { after: Record<string, number> };
  };
  const m = Object.fromEntries(r.idle.moves.map((x) => [x.asset, x]));
  const withdraw = parseUnits(m.USDC!.withdraw, 6);
  const forSells = parseUnits(m.USDC!.forSells, 6);
  const supplyWeth = parseUnits(m.WETH!.supply, 18);
  // sell 5,000 USDC: the 100 in the wallet and 4,900 withdrawn; 2,500 more withdrawn to bring the sleeve to 50%
  near(forSells, 4_900n * E6, 5n * E6, 'withdrawn for the sell');
  near(withdraw - forSells, 2_500n * E6, 5n * E6, 'withdrawn to bring the sleeve to its share');
  assert.ok(supplyWeth > 0n && m.WETH!.withdraw === '0' && m.USDC!.supply === '0');
  assert.deepEqual(r.legs.map((l) => l.in.token).slice(0, 1), ['aUSDC'], 'the withdrawal runs first');
  const swapSteps = r.legs.length - 2;
  // the swaps are paid from the wallet here: ONE withdrawal, to the owner (not a hub step)
  assert.deepEqual(
    r.legs.filter((l) => l.in.token === 'aUSDC').map((l) => (l as unknown as { hub: boolean }).hub),
    [false],
  );
  assert.equal(r.legs.at(-1)!.in.token, 'WETH', 'the supply runs last');

  const j = journalTxs(jpath, r.sent.txHash);
  assert.equal(j.n, 1, 'exactly one chain transaction journaled');
  assert.equal(j.unfinished, 0);
  const tx = j.tx!;
  assert.equal(tx.state, 'filled');
  assert.equal(tx.receipt?.status, 'success');

  const b1 = await balances(pub, OWNER, toks);
  const interest = 10n * E6; // the aUSDC balance grows between the plan's read and the checks
  near(b1[2]!, b0[2]! - withdraw, interest, 'aUSDC: the sleeve withdrew exactly the planned amount');
  assert.ok(b1[2]! >= b0[2]! - withdraw - 2n);
  near(b1[0]!, b0[0]! + withdraw - 5_000n * E6, 5n * E6, 'USDC wallet: + withdrawn − sold');
  near(b1[3]!, supplyWeth, 1n, 'aWETH: the planned supply (±1 wei of index rounding)');
  const sleeve = (s: bigint, wlt: bigint) => Number(s) / Number(s + wlt);
  assert.ok(Math.abs(sleeve(b1[2]!, b1[0]!) - 0.5) < 0.002, `USDC sleeve ${sleeve(b1[2]!, b1[0]!)}`);
  assert.ok(Math.abs(sleeve(b1[3]!, b1[1]!) - 0.5) < 0.01, `WETH sleeve ${sleeve(b1[3]!, b1[1]!)}`);
  for (const v of Object.values(r.weights.after)) assert.ok(Math.abs(v - 0.5) < 0.01, `${v}`);
  assert.deepEqual(await balances(pub, executor, toks), [0n, 0n, 0n, 0n], 'the executor keeps nothing');
  const again = JSON.parse((await cli(cfg, '--json')).stdout) as { weights: { before: Record<string, number> } };
  for (const v of Object.values(again.weights.before)) assert.ok(Math.abs(v - 0.5) < 0.01, `on chain ${v}`);

  // the same moves as separate transactions (the path before): Pool.withdraw, the swap batch, Pool.supply
  await w.clients.test.revert({ id: snap });
  snap = await w.clients.test.snapshot();
  const pool = w.fx.contracts.aavePool;
  const g1 = (await otx.call(pool, aavePoolAbi, 'withdraw', [usdc, withdraw, OWNER], 'withdraw')).gasUsed;
  const prices = await validatedPrices(pub, { feeds: w.feeds, maxDeviationBps: 10_000 }, [...w.tokens.values()]);
  const sold = 5_000n * E6;
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
    new Map([[usdc.toLowerCase(), sold]]),
  );
  const block = await pub.getBlock();
  const b = buildBatch({
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
  const hash = await otx.clients.wallet.sendTransaction({
    account: OWNER,
    chain: otx.clients.wallet.chain,
    to: executor,
    data: encodeExecute(b),
    gas: 3_000_000n,
  });
  const rc = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(rc.status, 'success');
  await otx.call(weth, erc20, 'approve', [pool, maxUint256], 'approve Pool WETH (standing, not counted)');
  const g3 = (await otx.call(pool, aavePoolAbi, 'supply', [weth, supplyWeth, OWNER, 0], 'supply')).gasUsed;
  const one = BigInt(r.sent.gasUsed);
  const separate = g1 + rc.gasUsed + g3;
  console.log(
    `# idle sleeve rebalance: ONE transaction ${one} gas (withdraw + ${swapSteps} swap step(s) + supply) vs separate transactions ${separate} gas (withdraw ${g1} + swap batch of ${b.legs.length} step(s) ${rc.gasUsed} + supply ${g3}): the one transaction ${one > separate ? 'costs' : 'saves'} ${((Math.abs(Number(separate) - Number(one)) / Number(separate)) * 100).toFixed(1)}% ${one > separate ? 'more' : ''}`,
  );
});

test('utilisation 100%: the CLI says "withdraw limited" and the partial rebalance runs in one journaled transaction', async () => {
  await w.clients.test.revert({ id: snap });
  snap = await w.clients.test.snapshot();
  const pub = w.clients.public;
  const pool = w.fx.contracts.aavePool;
  const left = await pub.readContract({ address: usdc, abi: erc20, functionName: 'balanceOf', args: [aUsdc] });
  await w.tx.call(pool, aavePoolAbi, 'borrow', [usdc, left, 2n, 0, w.fx.deployer], 'borrow it all');
  const cfg = config(IDLE);
  const dry = await cli(cfg, '--json');
  assert.equal(dry.code, 0, dry.stderr);
  const d = JSON.parse(dry.stdout) as { idle: IdleJson };
  assert.equal(d.idle.limited.length, 1);
  assert.match(
    d.idle.limited[0]!.reason,
    /^withdraw limited: USDC would sell \d+ but only 100000000 can leave now .*utilisation 100\.0%\)$/,
  );
  assert.ok(d.idle.scale > 0.015 && d.idle.scale < 0.025, `scale ${d.idle.scale}`);
  const toks = [usdc, weth, aUsdc, aWeth];
  const b0 = await balances(pub, OWNER, toks);
  const jpath = join(dir, 'journal-limited.db');
  const run = await cli(cfg, '--execute', '--journal', jpath);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^withdraw limited: USDC would sell \d+ but only 100000000 can leave now .*100\.0%\)$/m);
  assert.match(run.stdout, /^partial rebalance: every trade at 2\.\d\d% of the full rebalance$/m);
  assert.match(run.stdout, /^ {2}USDC: withdraw 0 USDC \(0 USDC of it for the sells\), supply 0 USDC$/m);
  const hash = /^sent: (0x[0-9a-f]{64}) /m.exec(run.stdout)![1]!;
  const j = journalTxs(jpath, hash);
  assert.equal(j.n, 1, 'exactly one chain transaction journaled');
  assert.equal(j.tx?.state, 'filled');
  const b1 = await balances(pub, OWNER, toks);
  assert.ok(b0[0]! - b1[0]! <= 100n * E6 && b0[0]! - b1[0]! > 99n * E6, 'only the liquid USDC sold');
  assert.ok(b1[2]! >= b0[2]!, 'no aUSDC withdrawn: the reserve has none');
  assert.ok(b1[3]! > 0n && b1[1]! > 0n, 'the WETH bought: part supplied, part liquid');
  near(b1[3]!, b1[1]!, b1[1]! / 50n, 'about half the WETH supplied (bought counted at its minimum output)');
  console.log(`# ${/^withdraw limited.*$/m.exec(run.stdout)![0]}`);
});

test('chain.idle.pool that is not the executor’s Aave Pool: one line naming the field, exit 1, nothing sent', async () => {
  const cfg = config({ ...IDLE, pool: w.fx.contracts.weth9 });
  const r = await cli(cfg);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /chain\.idle\.pool: 0x[0-9a-fA-F]{40} is not the executor's Aave Pool/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('an executor with no feed for a sleeve’s aToken: one line naming the asset, exit 1', async () => {
  // the world's own executor (same Aave Pool) was configured with the tokens' feeds only
  const saved = executor;
  executor = w.executor;
  const cfg = config(IDLE);
  executor = saved;
  const r = await cli(cfg);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /chain\.idle\.assets\.USDC: the executor has no feed for its aToken 0x[0-9a-fA-F]{40}/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('the other form (every swap input pulled): the withdrawal split between the owner and the executor, one transaction', async () => {
  await w.clients.test.revert({ id: snap });
  snap = await w.clients.test.snapshot();
  const pub = w.clients.public;
  const pool = w.fx.contracts.aavePool;
  const prices = await validatedPrices(pub, { feeds: w.feeds, maxDeviationBps: 10_000 }, [...w.tokens.values()]);
  const entries = ['USDC', 'WETH'].map((sym) => {
    const t = w.tokens.get(sym)!;
    return { ...t, price: prices.get(t.address.toLowerCase())!.usd, target: 0.5, buffer: 0n };
  });
  const read = await readSleeve(pub, pool, OWNER, entries);
  const idle: IdleState = { pool, assets: read.map((a, i) => ({ ...a, address: entries[i]!.address, share: 0.5 })) };
  const sold = 5_000n * E6;
  const sizes = sizeTrades(
    netTrades(
      [
        { asset: 'WETH', side: 'buy', notional: 5_000 },
        { asset: 'USDC', side: 'sell', notional: 5_000 },
      ],
      'USDC',
    ),
    w.tokens,
    prices,
    'USDC',
    new Map([[usdc.toLowerCase(), sold]]),
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
    fromOwner: false,
  });
  assert.equal(ownerCanPay(swaps, idle), false, 'no swap paid from the wallet');
  const b = withSleeve(swaps, idle, { scale: 1, limited: [] }, w.tokens).batch;
  const [first, second] = b.legs;
  assert.deepEqual(
    [first!.kind, first!.toOwner, second!.kind, second!.toOwner, b.legs.at(-1)!.kind],
    [5, true, 5, false, 6],
    'the excess withdrawn to the owner, the rest to the executor for the swaps; the supply last',
  );
  const pulled = Object.fromEntries(b.pulls.map((x) => [x.token.toLowerCase(), x.amount]));
  near(pulled[aUsdc.toLowerCase()]!, 7_400n * E6, 5n * E6, 'aUSDC pulled: 4,900 for the sell + 2,500 excess');
  const toks = [usdc, weth, aUsdc, aWeth];
  const b0 = await balances(pub, OWNER, toks);
  await simulateExecute(pub, OWNER, executor, encodeExecute(b));
  const hash = await otx.clients.wallet.sendTransaction({
    account: OWNER,
    chain: otx.clients.wallet.chain,
    to: executor,
    data: encodeExecute(b),
    gas: 3_000_000n,
  });
  const rc = await pub.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  assert.equal(rc.status, 'success');
  const b1 = await balances(pub, OWNER, toks);
  const supply = b.legs.at(-1)!.share;
  near(b0[2]! - b1[2]!, pulled[aUsdc.toLowerCase()]!, 10n * E6, 'aUSDC withdrawn as pulled');
  near(b1[0]!, b0[0]! + pulled[aUsdc.toLowerCase()]! - sold, 5n * E6, 'USDC wallet: + withdrawn − sold');
  near(b1[3]!, supply, 1n, 'aWETH: the supply (±1 wei)');
  assert.deepEqual(await balances(pub, executor, toks), [0n, 0n, 0n, 0n], 'the executor keeps nothing');
  console.log(`# every input pulled: withdraw ×2 + ${swaps.legs.length} swap step(s) + supply, ${rc.gasUsed} gas`);
});

test('no trade, a sleeve above its share: the sleeve’s own withdrawal is sent, one journaled transaction', async () => {
  await w.clients.test.revert({ id: snap });
  snap = await w.clients.test.snapshot();
  const pub = w.clients.public;
  const cfg = config({ pool: 'fixture', assets: { USDC: { share: 0.5, buffer: 100 } } }, true, { USDC: 1 });
  const jpath = join(dir, 'journal-sleeve-only.db');
  const b0 = await balances(pub, OWNER, [usdc, aUsdc]);
  const run = await cli(cfg, '--execute', '--json', '--journal', jpath);
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout) as { plan: unknown[]; idle: IdleJson; sent: { txHash: Hex } };
  assert.deepEqual(r.plan, [], 'no trade');
  assert.equal(r.idle.moves[0]!.forSells, '0');
  const withdraw = parseUnits(r.idle.moves[0]!.withdraw, 6);
  near(withdraw, 4_900n * E6, 1n * E6, 'down to half of 10,000 USDC');
  const j = journalTxs(jpath, r.sent.txHash);
  assert.equal(j.n, 1);
  assert.equal(j.tx?.state, 'filled');
  const b1 = await balances(pub, OWNER, [usdc, aUsdc]);
  assert.equal(b1[0]! - b0[0]!, withdraw, 'the wallet receives exactly the withdrawal');
  near(b1[1]!, 5_000n * E6, 1n * E6, 'half of the holding stays supplied');
});
