import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { afterLeverUp, LEVER_UP_TOLERANCE, planLeverUp } from './lever-up.ts';
import { healthFactor, type LendingLeg, planDeleverage } from './leverage.ts';

const E = 10n ** 18n;
const U = 10n ** 6n;
const weth = (collateral: bigint, price = 3000): LendingLeg => ({
  symbol: 'WETH',
  price,
  decimals: 18,
  wallet: 0n,
  collateral,
  debt: 0n,
  liquidationThreshold: 0.825,
});
const usdc = (debt: bigint): LendingLeg => ({
  symbol: 'USDC',
  price: 1,
  decimals: 6,
  wallet: 0n,
  collateral: 0n,
  debt,
  liquidationThreshold: 0.8,
});
const ltv = (legs: readonly LendingLeg[]) =>
  ((Number(legs[1]!.debt) / 1e6) * legs[1]!.price) / ((Number(legs[0]!.collateral) / 1e18) * legs[0]!.price);

test('a 30% LTV position levers to 50%: supply and borrow land on the target, HF = threshold / target', () => {
  const legs = [weth(10n * E), usdc(9_000n * U)];
  const p = planLeverUp(legs, 0, 1, { minHealthFactor: 1.5, targetLtv: 0.5 }, 0.01);
  // y = (0.5·30000 − 9000) / (1.01 − 0.5) = 11764.70…: 3.92 WETH supplied, 11882.35 USDC borrowed
  assert.equal(p.supply / 10n ** 14n, 39215n);
  assert.ok(p.borrow > 11_882n * U && p.borrow < 11_883n * U);
  const after = afterLeverUp(legs, 0, 1, p);
  assert.ok(Math.abs(ltv(after) - 0.5) < 1e-9);
  assert.ok(ltv(after) <= 0.5);
  assert.ok(Math.abs(healthFactor(after) - 0.825 / 0.5) < 1e-8);
  // interest accrued after it (0.04 LTV points, 15 USDC) is within the band: no deleverage bounces it back
  const accrued = [after[0]!, usdc(after[1]!.debt + 15n * U)];
  assert.equal(
    planDeleverage(accrued, 0, 1, { minHealthFactor: 1.5, targetLtv: 0.5 }, 0.01, LEVER_UP_TOLERANCE).repay,
    0n,
  );
  assert.ok(planDeleverage(accrued, 0, 1, { minHealthFactor: 1.5, targetLtv: 0.5 }, 0.01).repay > 0n);
});

test('on target, above it, or without a targetLtv: nothing to lever', () => {
  const legs = [weth(10n * E), usdc(14_990n * U)]; // 49.97%: within the tolerance
  assert.equal(planLeverUp(legs, 0, 1, { minHealthFactor: 1.5, targetLtv: 0.5 }, 0).supply, 0n);
  const above = [weth(10n * E), usdc(21_000n * U)];
  assert.equal(planLeverUp(above, 0, 1, { minHealthFactor: 1.5, targetLtv: 0.5 }, 0).supply, 0n);
  const low = [weth(10n * E), usdc(3_000n * U)];
  const none = planLeverUp(low, 0, 1, { minHealthFactor: 1.5 }, 0);
  assert.equal(none.supply, 0n);
  assert.match(none.reason, /no targetLtv/);
  assert.throws(() => planLeverUp(low, 0, 1, { minHealthFactor: 1.5, targetLtv: 0.5 }, -0.1), /cost/);
});

test('a target beyond the floor is capped: the plan never levers past minHealthFactor', () => {
  const legs = [weth(10n * E), usdc(3_000n * U)];
  const p = planLeverUp(legs, 0, 1, { minHealthFactor: 1.5, targetLtv: 0.7 }, 0.005);
  assert.equal(p.targetLtv, 0.825 / 1.5);
  assert.ok(healthFactor(afterLeverUp(legs, 0, 1, p)) >= 1.5);
});

test('property: the LTV after equals the target within rounding, never above it, and HF ≥ the floor', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 10n ** 16n, max: 10n ** 22n }),
      fc.double({ min: 0, max: 0.54, noNaN: true }),
      fc.double({ min: 0.05, max: 0.8, noNaN: true }),
      fc.double({ min: 1.01, max: 3, noNaN: true }),
      fc.double({ min: 0, max: 0.05, noNaN: true }),
      fc.double({ min: 100, max: 10_000, noNaN: true }),
      (coll, ltv0, target, floor, cost, price) => {
        const C = (Number(coll) / 1e18) * price;
        const legs = [weth(coll, price), usdc(BigInt(Math.floor(C * ltv0 * 1e6)))];
        const goal = { minHealthFactor: floor, targetLtv: target };
        const p = planLeverUp(legs, 0, 1, goal, cost);
        const t = Math.min(target, 0.825 / floor);
        const before = ltv(legs);
        if (p.supply === 0n) {
          assert.ok(before >= t - LEVER_UP_TOLERANCE - 1e-9 || healthFactor(legs) < floor || p.borrow === 0n);
          return;
        }
        const after = afterLeverUp(legs, 0, 1, p);
        const a = ltv(after);
        assert.ok(a <= t + 1e-12, `LTV ${a} above ${t}`);
        // within rounding: one base unit of each amount, relative to the position
        assert.ok(t - a < 1e-6 + 2e-6 / Math.max(1, Number(after[1]!.debt) / 1e6), `LTV ${a} vs ${t}`);
        assert.ok(healthFactor(after) >= floor * (1 - 1e-12), `HF ${healthFactor(after)} < ${floor}`);
        // a levered position is on target for the deleverage planner too (no ping-pong)
        assert.equal(planDeleverage(after, 0, 1, goal, cost).repay, 0n);
      },
    ),
    { numRuns: 500 },
  );
});
