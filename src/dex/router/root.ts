/**
 * Bracketed root finding for increasing functions (Illinois false position with bisection safeguard).
 * f(lo) <= 0 <= f(hi) is assumed; the result x has f(x) ~ 0 or the bracket is below relTol.
 */
export function findRoot(
  f: (x: number) => number,
  lo: number,
  hi: number,
  relTol: number,
  fLo?: number,
  fHi?: number,
): number {
  const [a, b, fa, fb] = findBracket(f, lo, hi, relTol, fLo, fHi);
  return fb < -fa ? b : a;
}

/** As findRoot, but returns the final bracket [a, b, f(a), f(b)] with f(a) <= 0 <= f(b) (a === b on an exact root). */
export function findBracket(
  f: (x: number) => number,
  lo: number,
  hi: number,
  relTol: number,
  fLo?: number,
  fHi?: number,
): [number, number, number, number] {
  let a = lo;
  let b = hi;
  let fa = fLo ?? f(a);
  let fb = fHi ?? f(b);
  if (fa >= 0) return [a, a, fa, fa];
  if (fb <= 0) return [b, b, fb, fb];
  let side = 0;
  for (let i = 0; i < 200; i++) {
    if (b - a <= relTol * Math.max(Math.abs(a), Math.abs(b)) || b - a <= Number.MIN_VALUE) break;
    // Every 4th step bisect (geometrically when the bracket spans orders of magnitude) to bound the worst case.
    let x: number;
    if (i % 4 === 3) {
      x = a > 0 && b / a > 4 ? Math.sqrt(a * b) : 0.5 * (a + b);
    } else {
      x = b - (fb * (b - a)) / (fb - fa);
      if (!(x > a && x < b)) x = 0.5 * (a + b);
    }
    const fx = f(x);
    if (fx === 0) return [x, x, 0, 0];
    if (fx < 0) {
      a = x;
      fa = fx;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = x;
      fb = fx;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return [a, b, fa, fb];
}
