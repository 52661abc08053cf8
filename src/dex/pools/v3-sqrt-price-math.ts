/**
 * Port of Uniswap v3 SqrtPriceMath (contracts/libraries/SqrtPriceMath.sol), including the uint256-overflow
 * branches (they change the rounding path, so they are emulated, not skipped).
 */
import { ChainRevert, MAX_UINT256 } from './errors.ts';
import { divRoundingUp, mulDiv, mulDivRoundingUp } from './v3-full-math.ts';

const Q96 = 1n << 96n;
const MAX_U160 = (1n << 160n) - 1n;

function toUint160(x: bigint): bigint {
  if (x > MAX_U160) throw new ChainRevert('SafeCast.toUint160');
  return x;
}

/** Next sqrt price after adding (add) or removing amount of token0; rounds up. */
export function getNextSqrtPriceFromAmount0RoundingUp(
  sqrtPX96: bigint,
  liquidity: bigint,
  amount: bigint,
  add: boolean,
): bigint {
  if (amount === 0n) return sqrtPX96;
  const numerator1 = liquidity << 96n;
  const product = amount * sqrtPX96;
  const productFits = product <= MAX_UINT256;
  if (add) {
    if (productFits) {
      const denominator = numerator1 + product;
      if (denominator <= MAX_UINT256) return mulDivRoundingUp(numerator1, sqrtPX96, denominator) & MAX_U160;
    }
    const d = numerator1 / sqrtPX96 + amount;
    if (d > MAX_UINT256) throw new ChainRevert('LowGasSafeMath.add');
    return divRoundingUp(numerator1, d) & MAX_U160;
  }
  if (!productFits || numerator1 <= product)
    throw new ChainRevert('SqrtPriceMath: amount0 exceeds the virtual reserve');
  return toUint160(mulDivRoundingUp(numerator1, sqrtPX96, numerator1 - product));
}

/** Next sqrt price after adding (add) or removing amount of token1; rounds down. */
export function getNextSqrtPriceFromAmount1RoundingDown(
  sqrtPX96: bigint,
  liquidity: bigint,
  amount: bigint,
  add: boolean,
): bigint {
  if (add) {
    const quotient = amount <= MAX_U160 ? (amount << 96n) / liquidity : mulDiv(amount, Q96, liquidity);
    return toUint160(sqrtPX96 + quotient);
  }
  const quotient =
    amount <= MAX_U160 ? divRoundingUp(amount << 96n, liquidity) : mulDivRoundingUp(amount, Q96, liquidity);
  if (sqrtPX96 <= quotient) throw new ChainRevert('SqrtPriceMath: amount1 exceeds the virtual reserve');
  return sqrtPX96 - quotient;
}

export function getNextSqrtPriceFromInput(
  sqrtPX96: bigint,
  liquidity: bigint,
  amountIn: bigint,
  zeroForOne: boolean,
): bigint {
  if (sqrtPX96 <= 0n || liquidity <= 0n) throw new ChainRevert('SqrtPriceMath: zero price or liquidity');
  return zeroForOne
    ? getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountIn, true)
    : getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountIn, true);
}

export function getNextSqrtPriceFromOutput(
  sqrtPX96: bigint,
  liquidity: bigint,
  amountOut: bigint,
  zeroForOne: boolean,
): bigint {
  if (sqrtPX96 <= 0n || liquidity <= 0n) throw new ChainRevert('SqrtPriceMath: zero price or liquidity');
  return zeroForOne
    ? getNextSqrtPriceFromAmount1RoundingDown(sqrtPX96, liquidity, amountOut, false)
    : getNextSqrtPriceFromAmount0RoundingUp(sqrtPX96, liquidity, amountOut, false);
}

/** Amount of token0 between two sqrt prices for liquidity L. */
export function getAmount0Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  let a = sqrtA;
  let b = sqrtB;
  if (a > b) [a, b] = [b, a];
  if (a <= 0n) throw new ChainRevert('SqrtPriceMath: sqrt price 0');
  const numerator1 = liquidity << 96n;
  const numerator2 = b - a;
  return roundUp
    ? divRoundingUp(mulDivRoundingUp(numerator1, numerator2, b), a)
    : mulDiv(numerator1, numerator2, b) / a;
}

/** Amount of token1 between two sqrt prices for liquidity L. */
export function getAmount1Delta(sqrtA: bigint, sqrtB: bigint, liquidity: bigint, roundUp: boolean): bigint {
  const d = sqrtA > sqrtB ? sqrtA - sqrtB : sqrtB - sqrtA;
  return roundUp ? mulDivRoundingUp(liquidity, d, Q96) : mulDiv(liquidity, d, Q96);
}
