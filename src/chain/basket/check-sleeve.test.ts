/**
 * The off-chain check of a sleeve basket's rebalance (issue #22 item 2) mirrors BallastSleeveBasket: balances
 * count wallet + aToken, a swap spends only the wallet, sleeve legs (kind 5/6) must name the basket's Pool and the
 * asset's aToken, do not count as trading, a sleeve-only rebalance is DriftNotReduced, a withdrawal beyond the
 * reserve's liquidity is refused, and each sleeve leg counts 1 wei of loss (Aave's rounding).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Address } from 'viem';
import { BASKET_SLEEVE_SUPPLY, BASKET_SLEEVE_WITHDRAW, type BasketLeg, NO_POOL_ID, sleevePoolId } from './artifact.ts';
import { type CheckInput, checkBasketRebalance } from './check.ts';

const A = '0x00000000000000000000000000000000000000a1' as Address;
const B = '0x00000000000000000000000000000000000000b2' as Address;
const aA = '0x00000000000000000000000000000000000000a2' as Address;
const aB = '0x00000000000000000000000000000000000000b3' as Address;
const POOL = '0x0000000000000000000000000000000000000aae' as Address;
const KEEPER = '0x00000000000000000000000000000000000000ee' as Address;
const E18 = 10n ** 18n;
const feed = {
  answer: 100_000_000n,
  roundId: 5n,
  answeredInRound: 5n,
  updatedAt: 1000n,
  decimals: 8,
  heartbeat: 3600,
  minAnswer: 1n,
  maxAnswer: 10n ** 12n,
};
const swap: BasketLeg = { kind: 0, tokenIn: A, tokenOut: B, fee: 0, poolId: NO_POOL_ID, amountIn: 20n * E18 };
const withdrawA = (x: bigint): BasketLeg => ({
  kind: BASKET_SLEEVE_WITHDRAW,
  tokenIn: aA,
  tokenOut: A,
  fee: 0,
  poolId: sleevePoolId(POOL),
  amountIn: x,
});
const supplyB = (x: bigint): BasketLeg => ({
  kind: BASKET_SLEEVE_SUPPLY,
  tokenIn: B,
  tokenOut: aB,
  fee: 0,
  poolId: sleevePoolId(POOL),
  amountIn: x,
});

/** A: 70 (10 liquid, 60 supplied), B: 30 liquid, targets 50/50, $1 each. */
function input(legs: readonly BasketLeg[], over: Partial<CheckInput> = {}): CheckInput {
  const outs = legs.map((l) => (l.kind === 0 ? 20n * E18 : l.amountIn));
  return {
    now: 2000n,
    caller: KEEPER,
    deadline: 3000n,
    lastRebalance: 0n,
    profile: {
      targetBps: [5000, 5000],
      bandAbsBps: 200,
      bandRelBps: 0,
      calendar: false,
      minInterval: 1000,
      maxLossBps: 100,
      maxTurnoverBps: 10_000,
      keeper: KEEPER,
      keeperWindow: 0,
      pools: [{ kind: 0, tokenA: B, tokenB: A, fee: 0, poolId: NO_POOL_ID }],
    },
    assets: [A, B],
    tokenDecimals: [18, 18],
    feeds: [feed, feed],
    balances: [70n * E18, 30n * E18],
    legs,
    minOuts: outs,
    expectedOuts: outs,
    sleeve: { pool: POOL, aTokens: [aA, aB], wallet: [10n * E18, 30n * E18], available: [100n * E18, 100n * E18] },
    ...over,
  };
}
const err = (i: CheckInput) => {
  const r = checkBasketRebalance(i);
  return r.ok ? 'ok' : `${r.error}: ${r.message}`;
};

test('withdraw + swap + supply passes; the swap alone cannot spend the supplied part', () => {
  assert.equal(err(input([withdrawA(10n * E18), swap, supplyB(25n * E18)])), 'ok');
  assert.match(err(input([swap])), /^BadLeg: legs\[0\]: sells 20000000000000000000, the basket's wallet holds 1/);
  assert.match(err(input([withdrawA(10n * E18), swap, supplyB(51n * E18)])), /^BadLeg: legs\[2\]: supplies/);
});

test('each sleeve leg counts 1 wei (at its price) as lost', () => {
  const r = checkBasketRebalance(input([withdrawA(10n * E18), swap, supplyB(25n * E18)]));
  assert.ok(r.ok);
  assert.equal(r.lost, 2n * (E18 / 10n ** 18n));
  assert.equal(r.navBefore, r.navAfter, 'nominal NAV: the 1:1 swap here loses nothing');
});

test('a sleeve-only rebalance moves no weight: DriftNotReduced', () => {
  assert.match(err(input([withdrawA(10n * E18), supplyB(5n * E18)])), /^DriftNotReduced/);
});

test('a withdrawal beyond the reserve’s liquidity is refused: withdraw limited', () => {
  const i = input([withdrawA(10n * E18), swap], {
    sleeve: { pool: POOL, aTokens: [aA, aB], wallet: [10n * E18, 30n * E18], available: [5n * E18, 100n * E18] },
  });
  assert.match(
    err(i),
    /^ReserveLiquidity: legs\[0\]: withdraw limited: withdraws 10000000000000000000, the reserve has 5/,
  );
});

test('a sleeve leg naming another Pool, the wrong aToken, a fee, 0, or in a plain basket: NotSleeve', () => {
  const bad: BasketLeg[] = [
    { ...withdrawA(E18), poolId: sleevePoolId(KEEPER) },
    { ...withdrawA(E18), tokenIn: aB },
    { ...withdrawA(E18), fee: 500 },
    withdrawA(0n),
  ];
  for (const l of bad)
    assert.match(
      err(input([l, swap])),
      /^NotSleeve/,
      JSON.stringify(l, (_, v) => String(v)),
    );
  const { sleeve: _s, ...plain } = input([withdrawA(E18), swap]);
  assert.match(err(plain), /^NotSleeve/);
});
