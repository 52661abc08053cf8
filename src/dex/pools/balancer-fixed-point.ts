/**
 * Port of Balancer v2 Math and FixedPoint (pkg/solidity-utils/contracts/math/{Math,FixedPoint}.sol):
 * 18-decimal fixed point with explicit rounding direction and checked uint256 arithmetic.
 */

import { logExpPow } from './balancer-log-exp.ts';
import { ChainRevert, MAX_UINT256 } from './errors.ts';

export const ONE = 10n ** 18n;
const TWO = 2n * ONE;
const FOUR = 4n * ONE;
/** 1e-14 relative error bound of LogExpMath.pow. */
export const MAX_POW_RELATIVE_ERROR = 10_000n;

function checked(x: bigint, what: string): bigint {
  if (x > MAX_UINT256) throw new ChainRevert(`BAL#${what}`);
  return x;
}

export function add(a: bigint, b: bigint): bigint {
  return checked(a + b, '000 ADD_OVERFLOW');
}
export function sub(a: bigint, b: bigint): bigint {
  if (b > a) throw new ChainRevert('BAL#001 SUB_OVERFLOW');
  return a - b;
}
/** Math.mul: checked integer product. */
export function mul(a: bigint, b: bigint): bigint {
  return checked(a * b, '003 MUL_OVERFLOW');
}
/** Math.divDown: integer floor division. */
export function divDownInt(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ChainRevert('BAL#004 ZERO_DIVISION');
  return a / b;
}
/** Math.divUp: integer ceiling division (0 stays 0). */
export function divUpInt(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ChainRevert('BAL#004 ZERO_DIVISION');
  return a === 0n ? 0n : 1n + (a - 1n) / b;
}
export function mulDown(a: bigint, b: bigint): bigint {
  return mul(a, b) / ONE;
}
export function mulUp(a: bigint, b: bigint): bigint {
  const p = mul(a, b);
  return p === 0n ? 0n : (p - 1n) / ONE + 1n;
}
export function divDown(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ChainRevert('BAL#004 ZERO_DIVISION');
  return checked(a * ONE, '005 DIV_INTERNAL') / b;
}
export function divUp(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new ChainRevert('BAL#004 ZERO_DIVISION');
  if (a === 0n) return 0n;
  return (checked(a * ONE, '005 DIV_INTERNAL') - 1n) / b + 1n;
}
/** 1 - x, floored at 0. */
export function complement(x: bigint): bigint {
  return x < ONE ? ONE - x : 0n;
}

/**
 * FixedPoint.powUp: an upper bound of x^y. Version 1 (2021 pools) always uses LogExpMath.pow plus the error bound;
 * version 2 (2022+ pools) short-cuts y = 1, 2, 4 exactly.
 */
export function powUp(x: bigint, y: bigint, version: 1 | 2): bigint {
  if (version === 2) {
    if (y === ONE) return x;
    if (y === TWO) return mulUp(x, x);
    if (y === FOUR) {
      const sq = mulUp(x, x);
      return mulUp(sq, sq);
    }
  }
  const raw = logExpPow(x, y);
  const maxError = add(mulUp(raw, MAX_POW_RELATIVE_ERROR), 1n);
  return add(raw, maxError);
}

/** FixedPoint.powDown: a lower bound of x^y (same versioning as powUp). */
export function powDown(x: bigint, y: bigint, version: 1 | 2): bigint {
  if (version === 2) {
    if (y === ONE) return x;
    if (y === TWO) return mulDown(x, x);
    if (y === FOUR) {
      const sq = mulDown(x, x);
      return mulDown(sq, sq);
    }
  }
  const raw = logExpPow(x, y);
  const maxError = add(mulUp(raw, MAX_POW_RELATIVE_ERROR), 1n);
  return raw < maxError ? 0n : raw - maxError;
}
