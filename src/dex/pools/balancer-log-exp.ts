/**
 * Port of Balancer v2 LogExpMath.pow (pkg/solidity-utils/contracts/math/LogExpMath.sol): x^y = exp(y ln x) for
 * 18-decimal fixed point, with the contract's exact integer steps (20- and 36-decimal intermediates, truncating
 * signed division, same Taylor terms). BigInt division truncates toward zero like Solidity's int256 division.
 */
import { ChainRevert } from './errors.ts';

const ONE_18 = 10n ** 18n;
const ONE_20 = 10n ** 20n;
const ONE_36 = 10n ** 36n;
const MAX_NATURAL_EXPONENT = 130n * ONE_18;
const MIN_NATURAL_EXPONENT = -41n * ONE_18;
const LN_36_LOWER_BOUND = ONE_18 - 10n ** 17n;
const LN_36_UPPER_BOUND = ONE_18 + 10n ** 17n;
const MILD_EXPONENT_BOUND = 2n ** 254n / ONE_20;

const x0 = 128000000000000000000n;
const a0 = 38877084059945950922200000000000000000000000000000000000n;
const x1 = 64000000000000000000n;
const a1 = 6235149080811616882910000000n;
/** 20-decimal pairs (x_n, a_n = e^x_n) for n = 2..11. */
const XA: readonly (readonly [bigint, bigint])[] = [
  [3200000000000000000000n, 7896296018268069516100000000000000n],
  [1600000000000000000000n, 888611052050787263676000000n],
  [800000000000000000000n, 298095798704172827474000n],
  [400000000000000000000n, 5459815003314423907810n],
  [200000000000000000000n, 738905609893065022723n],
  [100000000000000000000n, 271828182845904523536n],
  [50000000000000000000n, 164872127070012814685n],
  [25000000000000000000n, 128402541668774148407n],
  [12500000000000000000n, 113314845306682631683n],
  [6250000000000000000n, 106449445891785942956n],
];

/** LogExpMath.pow(x, y). */
export function logExpPow(x: bigint, y: bigint): bigint {
  if (y === 0n) return ONE_18;
  if (x === 0n) return 0n;
  if (x >> 255n !== 0n) throw new ChainRevert('BAL#006 X_OUT_OF_BOUNDS');
  if (y >= MILD_EXPONENT_BOUND) throw new ChainRevert('BAL#007 Y_OUT_OF_BOUNDS');
  let logxTimesY: bigint;
  if (LN_36_LOWER_BOUND < x && x < LN_36_UPPER_BOUND) {
    const ln36 = ln36x(x);
    logxTimesY = (ln36 / ONE_18) * y + ((ln36 % ONE_18) * y) / ONE_18;
  } else {
    logxTimesY = lnInternal(x) * y;
  }
  logxTimesY /= ONE_18;
  if (logxTimesY < MIN_NATURAL_EXPONENT || logxTimesY > MAX_NATURAL_EXPONENT) {
    throw new ChainRevert('BAL#008 PRODUCT_OUT_OF_BOUNDS');
  }
  return exp(logxTimesY);
}

/** LogExpMath.exp(x), signed 18-decimal. */
export function exp(xIn: bigint): bigint {
  if (xIn < MIN_NATURAL_EXPONENT || xIn > MAX_NATURAL_EXPONENT) throw new ChainRevert('BAL#009 INVALID_EXPONENT');
  if (xIn < 0n) return (ONE_18 * ONE_18) / exp(-xIn);
  let x = xIn;
  let firstAN: bigint;
  if (x >= x0) {
    x -= x0;
    firstAN = a0;
  } else if (x >= x1) {
    x -= x1;
    firstAN = a1;
  } else firstAN = 1n;
  x *= 100n;
  let product = ONE_20;
  // exp uses x2..x9 only (the contract skips x10 and x11 here)
  for (let k = 0; k < 8; k++) {
    const [xn, an] = XA[k];
    if (x >= xn) {
      x -= xn;
      product = (product * an) / ONE_20;
    }
  }
  let seriesSum = ONE_20;
  let term = x;
  seriesSum += term;
  for (let n = 2n; n <= 12n; n++) {
    term = (term * x) / ONE_20 / n;
    seriesSum += term;
  }
  return (((product * seriesSum) / ONE_20) * firstAN) / 100n;
}

/** LogExpMath._ln(a), signed 18-decimal. */
function lnInternal(aIn: bigint): bigint {
  if (aIn < ONE_18) return -lnInternal((ONE_18 * ONE_18) / aIn);
  let a = aIn;
  let sum = 0n;
  if (a >= a0 * ONE_18) {
    a /= a0;
    sum += x0;
  }
  if (a >= a1 * ONE_18) {
    a /= a1;
    sum += x1;
  }
  sum *= 100n;
  a *= 100n;
  for (const [xn, an] of XA) {
    if (a >= an) {
      a = (a * ONE_20) / an;
      sum += xn;
    }
  }
  const z = ((a - ONE_20) * ONE_20) / (a + ONE_20);
  const zSquared = (z * z) / ONE_20;
  let num = z;
  let seriesSum = num;
  for (let d = 3n; d <= 11n; d += 2n) {
    num = (num * zSquared) / ONE_20;
    seriesSum += num / d;
  }
  seriesSum *= 2n;
  return (sum + seriesSum) / 100n;
}

/** LogExpMath._ln_36(x): 36-decimal ln for x close to 1. */
function ln36x(xIn: bigint): bigint {
  const x = xIn * ONE_18;
  const z = ((x - ONE_36) * ONE_36) / (x + ONE_36);
  const zSquared = (z * z) / ONE_36;
  let num = z;
  let seriesSum = num;
  for (let d = 3n; d <= 15n; d += 2n) {
    num = (num * zSquared) / ONE_36;
    seriesSum += num / d;
  }
  return seriesSum * 2n;
}

/** LogExpMath.ln(a) (public variant), for tests. */
export function ln(a: bigint): bigint {
  if (a <= 0n) throw new ChainRevert('BAL#010 OUT_OF_BOUNDS');
  return LN_36_LOWER_BOUND < a && a < LN_36_UPPER_BOUND ? ln36x(a) / ONE_18 : lnInternal(a);
}
