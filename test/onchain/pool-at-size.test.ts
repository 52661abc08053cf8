/**
 * The pool check at the trade's size, harmful direction only (issue #30 item 2, off-chain half), on anvil's
 * Uniswap v2 WETH/USDC 0.3% pool. The zero-size check (marginal price, fee included, both directions) lets an
 * attacker push the pool just under the limit before the plan; the sized check counts what the swap really
 * pays (fee + depth + the push) and refuses it, while a pool that pays better than the oracles passes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Address, parseAbi } from 'viem';
import { OracleGuardError } from '../../src/chain/oracles/errors.ts';
import { checkExecutionPrices, checkPoolDeviation, validatedPrices } from '../../src/chain/oracles/guard.ts';
import type { SwapPool } from '../../src/dex/pools/types.ts';
import { pools, startWorld, type World } from './setup.ts';

const pairAbi = parseAbi([
  'function getReserves() view returns (uint112, uint112, uint32)',
  'function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes data)',
]);
const transfer = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
const LIMIT = 150;

let w: World;
let weth: Address;
let usdc: Address;
let pair: Address;

before(async () => {
  w = await startWorld();
  weth = w.tokens.get('WETH')!.address;
  usdc = w.tokens.get('USDC')!.address;
  const p = w.fx.pools.find(
    (x) => x.protocol === 'uniswap-v2' && x.symbols.includes('WETH') && x.symbols.includes('USDC'),
  );
  assert.ok(p, 'fixture has a v2 WETH/USDC pool');
  pair = p.address;
});

after(async () => {
  await w?.node.stop();
});

const decimals = () => new Map([...w.tokens.values()].map((t) => [t.address.toLowerCase(), t.decimals]));
const prices = () =>
  validatedPrices(w.clients.public, { feeds: w.feeds, maxDeviationBps: LIMIT }, [...w.tokens.values()]);
const thePool = async (): Promise<SwapPool> => (await pools(w)).find((x) => x.id === pair.toLowerCase())!;

/** Zero-size marginal WETH → USDC (fee included) below the oracle ratio, in bps (negative: better). */
async function marginalLossBps(): Promise<number> {
  const pr = await prices();
  const ref = (pr.get(weth.toLowerCase())!.usd / pr.get(usdc.toLowerCase())!.usd) * 10 ** (6 - 18);
  return (1 - (await thePool()).marginal(weth, usdc, 0) / ref) * 1e4;
}

/** Trades on the pair (as an attacker would) until the zero-size loss selling WETH is `bps`. */
async function pushTo(bps: number): Promise<void> {
  for (let i = 0; i < 8; i++) {
    const now = await marginalLossBps();
    if (Math.abs(now - bps) < 0.5) return;
    const [r0, r1] = await w.clients.public.readContract({ address: pair, abi: pairAbi, functionName: 'getReserves' });
    const wethIs0 = weth.toLowerCase() < usdc.toLowerCase();
    const [rw, ru] = wethIs0 ? [r0, r1] : [r1, r0];
    // marginal ∝ ru/rw; to move it by (now − bps) bps sell (or buy) about half that share of the WETH reserve
    const share = (bps - now) / 2e4;
    const pool = await thePool();
    if (share > 0) {
      const dx = BigInt(Math.ceil(Number(rw) * share));
      const out = pool.amountOut(weth, usdc, dx);
      await w.tx.call(weth, transfer, 'transfer', [pair, dx], 'push: sell WETH');
      await w.tx.call(pair, pairAbi, 'swap', [wethIs0 ? 0n : out, wethIs0 ? out : 0n, w.account.address, '0x'], 'push');
    } else {
      const dy = BigInt(Math.ceil(Number(ru) * -share));
      const out = pool.amountOut(usdc, weth, dy);
      await w.tx.call(usdc, transfer, 'transfer', [pair, dy], 'push: sell USDC');
      await w.tx.call(pair, pairAbi, 'swap', [wethIs0 ? out : 0n, wethIs0 ? 0n : out, w.account.address, '0x'], 'push');
    }
  }
}

/** The planned swap: sell 0.15% of the pool's WETH through it, its output from the exact pool math. */
async function plannedSwap() {
  const [r0, r1] = await w.clients.public.readContract({ address: pair, abi: pairAbi, functionName: 'getReserves' });
  const rw = weth.toLowerCase() < usdc.toLowerCase() ? r0 : r1;
  const amountIn = rw / 666n;
  return {
    pool: pair,
    tokenIn: weth,
    tokenOut: usdc,
    amountIn,
    amountOut: (await thePool()).amountOut(weth, usdc, amountIn),
  };
}

test('a pool pushed just under the limit before planning: the zero-size check passes it, the check at size refuses', async () => {
  await pushTo(140);
  const pr = await prices();
  checkPoolDeviation([await thePool()], pr, decimals(), LIMIT); // the old check: 140 bp ≤ 150, passed
  const swap = await plannedSwap();
  assert.throws(
    () => checkExecutionPrices([swap], pr, decimals(), LIMIT),
    (e: unknown) =>
      e instanceof OracleGuardError &&
      e.code === 'DEVIATION' &&
      /pays 1[5-9]\d\.\d bps less than the oracles for WETH → USDC at the planned size/.test(e.message),
  );
});
test('then 50 bp more at execution: refused at send time too', async () => {
  await pushTo(190);
  const pr = await prices();
  const swap = await plannedSwap();
  assert.throws(() => checkExecutionPrices([swap], pr, decimals(), LIMIT), OracleGuardError);
});

test('a pool better than the oracles for us is fine (the zero-size check refused it in both directions)', async () => {
  await pushTo(-200);
  const pr = await prices();
  const pool = await thePool();
  assert.throws(() => checkPoolDeviation([pool], pr, decimals(), LIMIT), OracleGuardError);
  checkExecutionPrices([await plannedSwap()], pr, decimals(), LIMIT);
});
