import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  healthFactor,
  type LendingLeg,
  netDrift,
  netExposure,
  netValue,
  netWeights,
  planDeleverage,
  validateTarget,
} from './leverage.ts';

const weth = (wallet: bigint, collateral: bigint, debt = 0n): LendingLeg => ({
  symbol: 'WETH',
  price: 3000,
  decimals: 18,
  wallet,
  collateral,
  debt,
  liquidationThreshold: 0.825,
});
const usdc = (wallet: bigint, debt: bigint): LendingLeg => ({
  symbol: 'USDC',
  price: 1,
  decimals: 6,
  wallet,
  collateral: 0n,
  debt,
  liquidationThreshold: 0.8,
});
const E = 10n ** 18n;
const U = 10n ** 6n;

test('value and drift count net exposure: wallet + collateral − debt', () => {
  const legs = [weth(0n, 10n * E), usdc(1_000n * U, 21_000n * U)];
  assert.equal(netExposure(legs[1]!), -20_000n * U);
  assert.equal(netValue(legs), 30_000 - 20_000);
  assert.deepEqual(netWeights(legs), [3, -2]);
  assert.equal(netDrift(legs, [1, 0]), 2);
  assert.equal(healthFactor(legs), (30_000 * 0.825) / 21_000);
  assert.equal(healthFactor([weth(E, E)]), Number.POSITIVE_INFINITY);
});

test('a 70% position deleverages to its 50% target with a loan for the locked repayment', () => {
  const p = planDeleverage(
    [weth(0n, 10n * E), usdc(0n, 21_000n * U)],
    0,
    1,
    { minHealthFactor: 1.5, targetLtv: 0.5 },
    0,
  );
  assert.equal(p.repay, 12_000n * U); // (21000 − 15000) / (1 − 0.5)
  assert.equal(p.withdraw, 4n * E);
  assert.equal(p.loan, 12_000n * U);
});

test('bad targets are rejected naming the field', () => {
  assert.throws(() => validateTarget({ minHealthFactor: 1 }), /leverage\.minHealthFactor/);
  assert.throws(() => validateTarget({ minHealthFactor: 1.5, targetLtv: 1 }), /leverage\.targetLtv/);
});

test('property: a plan that needs no loan never takes one (random portfolios)', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 1_000n * E }),
      fc.bigInt({ min: 0n, max: 1_000n * E }),
      fc.bigInt({ min: 0n, max: 5_000_000n * U }),
      fc.bigInt({ min: 0n, max: 5_000_000n * U }),
      fc.double({ min: 1.05, max: 4, noNaN: true }),
      fc.option(fc.double({ min: 0, max: 0.75, noNaN: true }), { nil: undefined }),
      (wWallet, coll, uWallet, debt, floor, targetLtv) => {
        const legs = [weth(wWallet, coll), usdc(uWallet, debt)];
        const p = planDeleverage(
          legs,
          0,
          1,
          { minHealthFactor: floor, ...(targetLtv === undefined ? {} : { targetLtv }) },
          0.003,
        );
        // the loan is exactly what the wallet's own debt asset cannot repay, never more, never for nothing
        if (p.repay <= uWallet) return p.loan === 0n;
        return p.loan === p.repay - uWallet && p.repay <= debt && p.withdraw <= coll;
      },
    ),
  );
});
