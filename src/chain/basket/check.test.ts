import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Address } from 'viem';
import { NO_POOL_ID } from './artifact.ts';
import { type CheckInput, checkBasketRebalance } from './check.ts';

const A = '0x00000000000000000000000000000000000000a1' as Address;
const B = '0x00000000000000000000000000000000000000b2' as Address;
const C = '0x00000000000000000000000000000000000000c3' as Address;
const KEEPER = '0x00000000000000000000000000000000000000ee' as Address;
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

/** Two assets at $1 with 18 decimals, 70/30 against 50/50, due, the keeper calling; one leg A → B of 20. */
function input(over: Partial<CheckInput> = {}): CheckInput {
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
    balances: [70n * 10n ** 18n, 30n * 10n ** 18n],
    legs: [{ kind: 0, tokenIn: A, tokenOut: B, fee: 0, poolId: NO_POOL_ID, amountIn: 20n * 10n ** 18n }],
    minOuts: [19n * 10n ** 18n],
    expectedOuts: [199n * 10n ** 17n],
    ...over,
  };
}
const leg = (over: object) => [{ ...input().legs[0]!, ...over }];
const err = (i: CheckInput) => {
  const r = checkBasketRebalance(i);
  return r.ok ? 'ok' : r.error;
};

test('a leg toward the targets within the limits passes, with its loss and turnover', () => {
  const r = checkBasketRebalance(input());
  assert.ok(r.ok);
  assert.equal(r.lost, 10n ** 17n);
  assert.equal(r.turnover, 20n * 10n ** 18n);
  assert.deepEqual(r.balancesAfter, [50n * 10n ** 18n, 499n * 10n ** 17n]);
});

test('each check fails on its own, in the contract’s order, named by the contract’s error', () => {
  assert.equal(err(input({ now: 3001n })), 'Expired');
  assert.equal(err(input({ caller: C })), 'NotKeeper');
  assert.equal(err(input({ now: 999n })), 'NotDue');
  assert.equal(err(input({ minOuts: [] })), 'BadLeg');
  assert.equal(err(input({ feeds: [{ ...feed, updatedAt: 2001n }, feed] })), 'StaleOracle');
  assert.equal(err(input({ feeds: [feed, { ...feed, answeredInRound: 4n }] })), 'BadOracle');
  assert.equal(err(input({ feeds: [{ ...feed, maxAnswer: feed.answer }, feed] })), 'OracleOutOfBounds');
  assert.equal(err(input({ balances: [0n, 0n] })), 'EmptyBasket');
  assert.equal(err(input({ balances: [51n * 10n ** 18n, 49n * 10n ** 18n] })), 'WithinBand');
  assert.equal(err(input({ legs: leg({ tokenOut: C }) })), 'BadLeg');
  assert.equal(err(input({ legs: leg({ amountIn: 0n }) })), 'BadLeg');
  assert.equal(err(input({ legs: leg({ kind: 1, fee: 500 }) })), 'PoolNotAllowed');
  assert.equal(err(input({ minOuts: [20n * 10n ** 18n] })), 'LegOutputTooLow');
  assert.equal(err(input({ expectedOuts: [189n * 10n ** 17n], minOuts: [0n] })), 'LossTooHigh');
  assert.equal(err(input({ profile: { ...input().profile, maxTurnoverBps: 1000 } })), 'TurnoverTooHigh');
  // overshooting to 20/80 makes the drift grow
  assert.equal(
    err(input({ legs: leg({ amountIn: 50n * 10n ** 18n }), expectedOuts: [4999n * 10n ** 16n], minOuts: [0n] })),
    'DriftGrew',
  );
  // an outsider is accepted once the keeper window has passed
  assert.equal(err(input({ caller: C, profile: { ...input().profile, keeperWindow: 1500 } })), 'ok');
});

test('the drift rule: an untraded asset may drift by the NAV effect alone, a traded one not at all', () => {
  const E = 10n ** 18n;
  // A, B, C at $1: 50/10/40 against 30/30/40 (C on target); A → B of 20 loses 0.1
  const three = (legs: CheckInput['legs'], expectedOuts: bigint[]) =>
    input({
      profile: {
        ...input().profile,
        targetBps: [3000, 3000, 4000],
        pools: [
          { kind: 0, tokenA: A, tokenB: B, fee: 0, poolId: NO_POOL_ID },
          { kind: 0, tokenA: A, tokenB: C, fee: 0, poolId: NO_POOL_ID },
        ],
      },
      assets: [A, B, C],
      tokenDecimals: [18, 18, 18],
      feeds: [feed, feed, feed],
      balances: [50n * E, 10n * E, 40n * E],
      legs,
      minOuts: legs.map(() => 0n),
      expectedOuts,
    });
  const ab = { kind: 0 as const, tokenIn: A, tokenOut: B, fee: 0, poolId: NO_POOL_ID, amountIn: 20n * E };
  // untraded C: its weight rises from 40% to 40/99.9 (its drift grows from 0), exactly the NAV effect: accepted
  const ok = checkBasketRebalance(three([ab], [199n * 10n ** 17n]));
  assert.ok(ok.ok);
  // a further 0.01 A → C: C is traded now and its drift grows (by less than lost / NAV): refused
  const ac = { ...ab, tokenOut: C, amountIn: 10n ** 16n };
  assert.equal(err(three([ab, ac], [199n * 10n ** 17n, 995n * 10n ** 13n])), 'DriftGrew');
});
