/**
 * Port of Uniswap v3 FullMath (contracts/libraries/FullMath.sol) and UnsafeMath.divRoundingUp.
 * Bigint has no 512-bit overflow to dodge; what must be kept are the reverts: result >= 2^256 and division by 0.
 */
import { ChainRevert, MAX_UINT256 } from './errors.ts';

/** floor(a*b/denominator); reverts when denominator is 0 or the result does not fit in uint256. */
export function mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new ChainRevert('FullMath.mulDiv: denominator 0');
  const r = (a * b) / denominator;
  if (r > MAX_UINT256) throw new ChainRevert('FullMath.mulDiv: result overflows uint256');
  return r;
}

/** ceil(a*b/denominator); reverts like Solidity (require(result < type(uint256).max) before adding 1). */
export function mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
  const r = mulDiv(a, b, denominator);
  if ((a * b) % denominator > 0n) {
    if (r >= MAX_UINT256) throw new ChainRevert('FullMath.mulDivRoundingUp: result overflows uint256');
    return r + 1n;
  }
  return r;
}

/** UnsafeMath.divRoundingUp: ceil(x/y) (y > 0 guaranteed by callers). */
export function divRoundingUp(x: bigint, y: bigint): bigint {
  return x / y + (x % y > 0n ? 1n : 0n);
}
