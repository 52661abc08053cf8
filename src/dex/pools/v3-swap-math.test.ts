import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getAmount0Delta, getAmount1Delta, getNextSqrtPriceFromInput } from './v3-sqrt-price-math.ts';
import { computeSwapStep } from './v3-swap-math.ts';

/** Integer square root (floor). */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) >> 1n;
  while (y < x) {
    x = y;
    y = (x + n / x) >> 1n;
  }
  return x;
}
/** encodePriceSqrt(reserve1, reserve0) of the Uniswap tests: floor(sqrt(r1/r0) * 2^96). */
const encodePriceSqrt = (r1: bigint, r0: bigint) => isqrt((r1 << 192n) / r0);
const E18 = 10n ** 18n;

test('vectors from Uniswap v3-core SwapMath.spec', () => {
  const price = encodePriceSqrt(1n, 1n);
  // exact amount in that gets capped at price target in one for zero
  let s = computeSwapStep(price, encodePriceSqrt(101n, 100n), 2n * E18, E18, 600);
  assert.equal(s.amountIn, 9975124224178055n);
  assert.equal(s.feeAmount, 5988667735148n);
  assert.equal(s.amountOut, 9925619580021728n);
  assert.equal(s.sqrtRatioNextX96, encodePriceSqrt(101n, 100n));
  // exact amount in that is fully spent in one for zero
  const far = encodePriceSqrt(1000n, 100n);
  s = computeSwapStep(price, far, 2n * E18, E18, 600);
  assert.equal(s.amountIn, 999400000000000000n);
  assert.equal(s.feeAmount, 600000000000000n);
  assert.equal(s.amountOut, 666399946655997866n);
  assert.ok(s.sqrtRatioNextX96 < far);
  assert.equal(s.sqrtRatioNextX96, getNextSqrtPriceFromInput(price, 2n * E18, 999400000000000000n, false));
  // amount out is capped at the desired amount out
  s = computeSwapStep(
    417332158212080721273783715441582n,
    1452870262520218020823638996n,
    159344665391607089467575320103n,
    -1n,
    1,
  );
  assert.deepEqual(s, {
    amountIn: 1n,
    feeAmount: 1n,
    amountOut: 1n,
    sqrtRatioNextX96: 417332158212080721273783715441581n,
  });
  // entire input amount taken as fee
  s = computeSwapStep(2413n, 79887613182836312n, 1985041575832132834610021537970n, 10n, 1872);
  assert.deepEqual(s, { amountIn: 0n, feeAmount: 10n, amountOut: 0n, sqrtRatioNextX96: 2413n });
  // intermediate insufficient liquidity, zero for one exact output
  const sp = 20282409603651670423947251286016n;
  s = computeSwapStep(sp, (sp * 11n) / 10n, 1024n, -4n, 3000);
  assert.deepEqual(s, { amountIn: 26215n, feeAmount: 79n, amountOut: 0n, sqrtRatioNextX96: (sp * 11n) / 10n });
  // intermediate insufficient liquidity, one for zero exact output
  s = computeSwapStep(sp, (sp * 9n) / 10n, 1024n, -263000n, 3000);
  assert.deepEqual(s, { amountIn: 1n, feeAmount: 1n, amountOut: 26214n, sqrtRatioNextX96: (sp * 9n) / 10n });
});

test('amount deltas round in the documented direction', () => {
  const a = encodePriceSqrt(1n, 1n);
  const b = encodePriceSqrt(121n, 100n);
  assert.equal(getAmount0Delta(a, b, 0n, true), 0n);
  // SqrtPriceMath.spec: returns 0.1 amount1 for price of 1 to 1.21
  assert.equal(getAmount0Delta(a, b, E18, true), 90909090909090910n);
  assert.equal(getAmount0Delta(a, b, E18, false), 90909090909090910n - 1n);
  assert.equal(getAmount1Delta(a, b, E18, true), 100000000000000000n);
  assert.equal(getAmount1Delta(a, b, E18, false), 100000000000000000n - 1n);
});
