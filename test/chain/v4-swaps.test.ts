/**
 * contracts/src/lean/V4Swaps.sol through its test harness on anvil: all v4 legs in ONE unlock with only net
 * amounts moved, each path's outputs equal to the off-chain math, minimums, forged callbacks, hooks and broken
 * paths refused with nothing changed, and the gas of each further swap in the unlock (docs/benchmarks.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Address, decodeEventLog, encodeFunctionData, type Hex, parseAbi, parseAbiItem } from 'viem';
import type { AnvilNode } from '../../src/chain/anvil.ts';
import { type LocalClients, localClients, type TxSender, txSender } from '../../src/chain/client.ts';
import { startFixtureNode } from '../../src/chain/fixture/cache.ts';
import type { Fixture, FixtureV4Pool } from '../../src/chain/fixture/types.ts';
import type { V4State } from '../../src/dex/pools/types.ts';
import { createV4Pool, V4_GAS } from '../../src/dex/pools/uniswap-v4.ts';
import { readV4PoolStates } from '../../src/dex/state/read-v4.ts';
import { deployHarness, harnessAbi, type PathArg, pathArg } from './v4.ts';

const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);
const transferEvent = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');

let node: AnvilNode;
let fx: Fixture;
let c: LocalClients;
let tx: TxSender;
let harness: Address;
/** anvil snapshot of the fixture with the harness deployed, before any test ran. */
let fresh: Hex;

const pool = (label: string): FixtureV4Pool => {
  const p = fx.v4Pools.find((x) => x.label === label);
  if (!p) throw new Error(`no v4 pool ${label}`);
  return p;
};
const token = (s: string): Address => {
  const t = fx.tokens.find((x) => x.symbol === s);
  if (!t) throw new Error(`no token ${s}`);
  return t.address;
};

before(async () => {
  ({ node, fixture: fx } = await startFixtureNode());
  c = localClients(node.rpcUrl);
  tx = txSender(c);
  harness = await deployHarness(tx, fx);
  fresh = await c.test.snapshot();
});

after(async () => {
  await node?.stop();
});

async function states(): Promise<Map<string, V4State>> {
  // the latest block, uncached: evm_revert takes the chain back below a block number viem may have cached
  const block = await c.public.getBlockNumber({ cacheTime: 0 });
  const r = await readV4PoolStates({ client: c.public, poolManager: fx.contracts.v4PoolManager }, fx.v4Pools, block);
  return new Map(r.states.map((s) => [s.address, s]));
}

/** Sends harness.swap from the owner with a fixed gas limit; the receipt (success or revert). */
async function send(paths: readonly PathArg[], from: Address = c.account) {
  const data = encodeFunctionData({ abi: harnessAbi, functionName: 'swap', args: [paths] });
  const hash = await c.wallet.sendTransaction({
    account: from,
    chain: c.wallet.chain,
    to: harness,
    data,
    gas: 3_000_000n,
  });
  return c.public.waitForTransactionReceipt({ hash });
}

async function balances(holder: Address, syms: readonly string[]): Promise<bigint[]> {
  return Promise.all(
    syms.map((s) =>
      c.public.readContract({ address: token(s), abi: erc20, functionName: 'balanceOf', args: [holder] }),
    ),
  );
}

/** The revert's custom error name from an eth_call of swap. */
async function revertName(paths: readonly PathArg[], account: Address = c.account): Promise<string> {
  try {
    await c.public.simulateContract({
      address: harness,
      abi: harnessAbi,
      functionName: 'swap',
      args: [paths],
      account,
    });
  } catch (e) {
    const m = /reverted with the following reason:\s*\n?\s*(\w+)|Error: (\w+)\(/.exec(String((e as Error).message));
    return m?.[1] ?? m?.[2] ?? String((e as Error).message).slice(0, 300);
  }
  return 'no revert';
}

describe('V4Swaps: every v4 leg in one unlock', () => {
  test('three paths (one two-hop) in one unlock: outputs equal the math, only net amounts move', async () => {
    const s = await states();
    const ethUsdc = pool('UniV4 WETH/USDC 0.05%');
    const usdcUsdt = pool('UniV4 USDC/USDT 0.01%');
    const wbtcEth = pool('UniV4 WBTC/WETH 0.3%');
    const linkEth = pool('UniV4 LINK/WETH 1%');
    const WETH = token('WETH');
    const USDC = token('USDC');
    const WBTC = token('WBTC');
    const LINK = token('LINK');
    // path 0: 10 WETH → USDC → USDT; path 1: 0.2 WBTC → WETH; path 2: 500 LINK → WETH
    const a0 = 10n * 10n ** 18n;
    const a1 = 2n * 10n ** 7n;
    const a2 = 500n * 10n ** 18n;
    const mid = createV4Pool(s.get(ethUsdc.poolId)!).amountOut(WETH, USDC, a0);
    const out0 = createV4Pool(s.get(usdcUsdt.poolId)!).amountOut(USDC, token('USDT'), mid);
    const out1 = createV4Pool(s.get(wbtcEth.poolId)!).amountOut(WBTC, WETH, a1);
    const out2 = createV4Pool(s.get(linkEth.poolId)!).amountOut(LINK, WETH, a2);
    const paths = [
      pathArg(
        [
          { pool: ethUsdc, tokenIn: WETH },
          { pool: usdcUsdt, tokenIn: USDC },
        ],
        a0,
        out0,
      ),
      pathArg([{ pool: wbtcEth, tokenIn: WBTC }], a1, out1),
      pathArg([{ pool: linkEth, tokenIn: LINK }], a2, out2),
    ];
    const syms = ['WETH', 'USDC', 'USDT', 'WBTC', 'LINK'];
    const before = await balances(c.account, syms);
    const pmBefore = await balances(fx.contracts.v4PoolManager, syms);
    const r = await send(paths);
    assert.equal(r.status, 'success');
    const after = await balances(c.account, syms);
    const pmAfter = await balances(fx.contracts.v4PoolManager, syms);
    // owner: WETH net = −10 + both WETH outputs, USDC untouched (the two-hop's middle), USDT +out0, WBTC −a1, LINK −a2
    assert.deepEqual(
      after.map((x, i) => x - before[i]!),
      [out1 + out2 - a0, 0n, out0, -a1, -a2],
    );
    assert.deepEqual(
      pmAfter.map((x, i) => x - pmBefore[i]!),
      [a0 - out1 - out2, 0n, -out0, a1, a2],
    );
    assert.deepEqual(await balances(harness, syms), [0n, 0n, 0n, 0n, 0n]);
    // one ERC-20 transfer per currency with a net amount (WETH is paid net of what came back: one transfer)
    const transfers = r.logs.flatMap((l) => {
      try {
        return [{ token: l.address, ...decodeEventLog({ abi: [transferEvent], data: l.data, topics: l.topics }).args }];
      } catch {
        return [];
      }
    });
    assert.equal(
      transfers.length,
      4,
      JSON.stringify(transfers, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
    );
    assert.ok(!transfers.some((t) => t.token.toLowerCase() === USDC.toLowerCase()));
  });

  test('a path below its minimum reverts the whole unlock with nothing changed', async () => {
    const s = await states();
    const p0 = pool('UniV4 WETH/USDC 0.3%');
    const p1 = pool('UniV4 WBTC/WETH 0.3%');
    const WETH = token('WETH');
    const out1 = createV4Pool(s.get(p1.poolId)!).amountOut(token('WBTC'), WETH, 10n ** 7n);
    const paths = [
      pathArg([{ pool: p0, tokenIn: WETH }], 10n ** 18n),
      pathArg([{ pool: p1, tokenIn: token('WBTC') }], 10n ** 7n, out1 + 1n),
    ];
    assert.equal(await revertName(paths), 'V4MinOut');
    const syms = ['WETH', 'USDC', 'WBTC'];
    const before = await balances(c.account, syms);
    const r = await send(paths);
    assert.equal(r.status, 'reverted');
    assert.deepEqual(await balances(c.account, syms), before);
    const after = await states();
    assert.deepEqual(after.get(p0.poolId), s.get(p0.poolId));
    assert.deepEqual(after.get(p1.poolId), s.get(p1.poolId));
  });

  test('a forged unlock callback reverts: from any address, and from the PoolManager outside our unlock', async () => {
    const data = '0x' as Hex;
    await assert.rejects(
      c.public.simulateContract({
        address: harness,
        abi: harnessAbi,
        functionName: 'unlockCallback',
        args: [data],
        account: c.account,
      }),
      /V4ForgedCallback/,
    );
    const pm = fx.contracts.v4PoolManager;
    await c.test.impersonateAccount({ address: pm });
    await c.test.setBalance({ address: pm, value: 10n ** 18n });
    try {
      const hash = await c.wallet.sendTransaction({
        account: pm,
        chain: c.wallet.chain,
        to: harness,
        data: encodeFunctionData({ abi: harnessAbi, functionName: 'unlockCallback', args: [data] }),
        gas: 500_000n,
      });
      const r = await c.public.waitForTransactionReceipt({ hash });
      assert.equal(r.status, 'reverted');
      await assert.rejects(
        c.public.simulateContract({
          address: harness,
          abi: harnessAbi,
          functionName: 'unlockCallback',
          args: [data],
          account: pm,
        }),
        /V4ForgedCallback/,
      );
    } finally {
      await c.test.stopImpersonatingAccount({ address: pm });
    }
  });

  test('refused: a non-owner, a pool with hooks, a hop that does not continue the path, native ETH', async () => {
    const p = pool('UniV4 WETH/USDC 0.05%');
    const WETH = token('WETH');
    const stranger = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address; // anvil dev account 1
    assert.equal(await revertName([pathArg([{ pool: p, tokenIn: WETH }], 10n ** 15n)], stranger), 'NotOwner');
    const hooked = { ...p, hooks: '0x0000000000000000000000000000000000000001' as Address };
    assert.equal(await revertName([pathArg([{ pool: hooked, tokenIn: WETH }], 10n ** 15n)]), 'V4HookNotAllowed');
    // WETH → USDC, then a hop that spends WBTC
    const broken = pathArg(
      [
        { pool: p, tokenIn: WETH },
        { pool: pool('UniV4 WBTC/WETH 0.3%'), tokenIn: token('WBTC') },
      ],
      10n ** 15n,
    );
    assert.equal(await revertName([broken]), 'V4BadPath');
    const native = {
      ...p,
      tokens: ['0x0000000000000000000000000000000000000000', p.tokens[1]] as [Address, Address],
    };
    assert.equal(
      await revertName([pathArg([{ pool: native, tokenIn: p.tokens[1] }], 10n ** 6n)]),
      'V4NativeNotSupported',
    );
  });

  test('gas: n swaps in one unlock against n unlocks (one per transaction)', async () => {
    // Back to the fixture as deployed (the tests above moved prices), so the table never depends on them.
    await c.test.revert({ id: fresh });
    // ~$3,000 per leg, each pool's token1 in: the price moves up, away from the initialized tick the fixture
    // places just below it, so no initialized tick is crossed (checked with the exact math below).
    const usd = (t: Address, v: number): bigint => {
      const x = fx.tokens.find((y) => y.address.toLowerCase() === t.toLowerCase())!;
      return BigInt(Math.round((v / Number(x.priceUsd)) * 10 ** x.decimals));
    };
    const legs = fx.v4Pools.map((p) => pathArg([{ pool: p, tokenIn: p.tokens[1] }], usd(p.tokens[1], 3000)));
    const s = await states();
    for (const p of fx.v4Pools) {
      const r = createV4Pool(s.get(p.poolId)!).swap(p.tokens[1], p.tokens[0], usd(p.tokens[1], 3000));
      assert.equal(r.ticksCrossed, 0, p.label);
    }
    // As on a live pool, each pool has traded before in this direction (its fee growth is not zero: the first
    // swap ever would pay ~17k more for that storage write).
    const prime = fx.v4Pools.map((p) => pathArg([{ pool: p, tokenIn: p.tokens[1] }], usd(p.tokens[1], 1)));
    assert.equal((await send(prime)).status, 'success');
    console.log(`# legs: ${fx.v4Pools.map((p) => `${p.symbols[1]} → ${p.symbols[0]} on ${p.label}`).join('; ')}`);
    const measure = async (txs: readonly (readonly PathArg[])[]): Promise<bigint> => {
      const snap = await c.test.snapshot();
      let gas = 0n;
      for (const paths of txs) {
        const r = await send(paths);
        assert.equal(r.status, 'success');
        gas += r.gasUsed;
      }
      await c.test.revert({ id: snap });
      return gas;
    };
    const rows: { n: number; one: bigint; separate: bigint }[] = [];
    for (let n = 1; n <= legs.length; n++) {
      const one = await measure([legs.slice(0, n)]);
      const separate = await measure(legs.slice(0, n).map((l) => [l]));
      rows.push({ n, one, separate });
    }
    const marginal = rows.slice(1).map((r, k) => Number(r.one - rows[k]!.one));
    const mean = marginal.reduce((a, b) => a + b, 0) / marginal.length;
    console.log('# n | one unlock | n transactions | ratio | this leg');
    for (const [k, r] of rows.entries())
      console.log(
        `# ${r.n} | ${r.one} | ${r.separate} | ${(Number(r.one) / Number(r.separate)).toFixed(2)} | ${k === 0 ? '-' : marginal[k - 1]}`,
      );
    console.log(`# mean gas of one more swap in the unlock: ${mean.toFixed(0)} (V4_GAS = ${V4_GAS})`);
    for (const r of rows.slice(1)) assert.ok(r.one < r.separate, `n=${r.n}: ${r.one} ≥ ${r.separate}`);
    assert.ok(Math.abs(mean / V4_GAS - 1) < 0.2, `V4_GAS ${V4_GAS} is off the measured ${mean.toFixed(0)}`);
  });
});
