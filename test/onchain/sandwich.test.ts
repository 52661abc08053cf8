/**
 * The sandwich bound (issue #30 item 2) on a real anvil: a batch of two 2-hop paths is planned, then an attacker
 * moves one of its pools (random pool, direction and size: fast-check, seeded), then the batch is sent. Either it
 * reverts with nothing moved, or the value the owner lost against the feeds is ≤ maxSlippageBps
 * (BALLAST_SANDWICH_RUNS for more runs than the default 24).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { encodeFunctionData, maxUint256, parseAbi } from 'viem';
import { rebalanceId } from '../../src/chain/executor/calldata.ts';
import { v2RouterAbi, v3RouterAbi } from '../../src/chain/fixture/router-abis.ts';
import { BPS, sendAs, tokenOf, twoPathsOf } from './paths.ts';
import { balances, feedAbi, startWorld, type World } from './setup.ts';

let w: World;
before(async () => {
  w = await startWorld();
  const approve = parseAbi(['function approve(address spender, uint256 amount)']);
  for (const t of w.fx.tokens) await w.tx.call(t.address, approve, 'approve', [w.executor, maxUint256], 'approve');
});
after(async () => {
  await w?.node.stop();
});

let nextId = 0;
const id = () => rebalanceId('sandwich', ++nextId);
const tok = (s: string) => tokenOf(w, s);
const usdOf = (s: string) => Number(w.fx.tokens.find((t) => t.symbol === s)!.priceUsd);
const owner = () => w.account.address;
const all = () => [...w.tokens.values()].map((t) => t.address);
const sendUnchecked = (to: `0x${string}`, data: `0x${string}`) => sendAs(w, to, data);
const twoPaths = (bps: number) => twoPathsOf(w, bps, id);

const RUNS = Number(process.env.BALLAST_SANDWICH_RUNS ?? 24);

test(`sandwich bound: over ${RUNS} random attacker moves, value lost vs the feeds ≤ maxSlippageBps or the batch reverts`, async () => {
  const pricesE8 = new Map<string, bigint>();
  for (const t of w.fx.tokens) {
    const [, ans] = await w.clients.public.readContract({
      address: t.usdFeed,
      abi: feedAbi,
      functionName: 'latestRoundData',
    });
    pricesE8.set(t.address.toLowerCase(), ans);
  }
  const dec = new Map(w.fx.tokens.map((t) => [t.address.toLowerCase(), t.decimals]));
  const usdE18 = (deltas: bigint[]) =>
    all().reduce(
      (s, t, i) =>
        s + (deltas[i]! * pricesE8.get(t.toLowerCase())! * 10n ** 18n) / 10n ** BigInt(dec.get(t.toLowerCase())! + 8),
      0n,
    );
  const moves = [
    ['uniswap-v2', 'WETH', 'USDC'],
    ['uniswap-v2', 'LINK', 'WETH'],
    ['uniswap-v3', 'WETH', 'USDC', 500],
    ['uniswap-v3', 'UNI', 'WETH', 10000],
  ] as const;
  let reverted = 0;
  let worst = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: moves.length - 1 }),
      fc.boolean(),
      fc.integer({ min: 100, max: 2_000_000 }),
      async (mi, forward, usd) => {
        const snap = await w.clients.test.snapshot();
        try {
          const { data } = await twoPaths(BPS); // the plan, read before the attacker moves
          const [protocol, a, b, fee] = moves[mi]!;
          const [sell, buy] = forward ? [b, a] : [a, b];
          const amount =
            BigInt(Math.floor((usd / usdOf(sell)) * 1e6)) * 10n ** BigInt(dec.get(tok(sell).toLowerCase())! - 6);
          const deadline = (await w.clients.public.getBlock()).timestamp + 600n;
          const move =
            protocol === 'uniswap-v2'
              ? encodeFunctionData({
                  abi: v2RouterAbi,
                  functionName: 'swapExactTokensForTokens',
                  args: [amount, 1n, [tok(sell), tok(buy)], owner(), deadline],
                })
              : encodeFunctionData({
                  abi: v3RouterAbi,
                  functionName: 'exactInputSingle',
                  args: [
                    {
                      tokenIn: tok(sell),
                      tokenOut: tok(buy),
                      fee: fee!,
                      recipient: owner(),
                      deadline,
                      amountIn: amount,
                      amountOutMinimum: 1n,
                      sqrtPriceLimitX96: 0n,
                    },
                  ],
                });
          const to = protocol === 'uniswap-v2' ? w.fx.contracts.uniswapV2Router02 : w.fx.contracts.swapRouter;
          await sendUnchecked(to, move); // a move too large for the pool reverts: the batch then meets the pools as they are
          const before = await balances(w.clients.public, owner(), all());
          const status = await sendUnchecked(w.executor, data);
          const after = await balances(w.clients.public, owner(), all());
          if (status !== 'success') {
            reverted++;
            assert.deepEqual(after, before, 'a reverted batch moves nothing');
            return;
          }
          const d = after.map((x, i) => x - before[i]!);
          const outV = usdE18(d.map((x) => (x > 0n ? x : 0n)));
          const inV = usdE18(d.map((x) => (x < 0n ? -x : 0n)));
          const lostBps = Number(((inV - outV) * 10_000n) / inV);
          worst = Math.max(worst, lostBps);
          assert.ok(outV * 10_000n >= inV * BigInt(10_000 - BPS), `lost ${lostBps} bps > ${BPS}`);
        } finally {
          await w.clients.test.revert({ id: snap });
        }
      },
    ),
    { numRuns: RUNS },
  );
  console.log(
    `sandwich bound: ${RUNS} runs, ${reverted} reverted, worst loss of a mined batch ${worst} bps (≤ ${BPS})`,
  );
});
