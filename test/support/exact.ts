/**
 * Exact arithmetic for reference solutions: every finite double is an integer times a power of two, so
 * x·2¹⁰⁷⁴ is an integer (a bigint) for any double x; sums and products of such integers are exact.
 */

const SHIFT = 1074;

/** x·2¹⁰⁷⁴ as an exact bigint. */
export function exactScaled(x: number): bigint {
  if (!Number.isFinite(x)) throw new RangeError(`not finite: ${x}`);
  let m = x;
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  return BigInt(m) << BigInt(SHIFT - e);
}

/** The double nearest num/den (to within one unit in the last place). */
export function ratioToNumber(num: bigint, den: bigint): number {
  if (den < 0n) return ratioToNumber(-num, -den);
  if (num === 0n) return 0;
  const neg = num < 0n;
  const a = neg ? -num : num;
  const k = 80 - (a.toString(2).length - den.toString(2).length);
  const q = k >= 0 ? (a << BigInt(k)) / den : a / (den << BigInt(-k));
  const v = Number(q) * 2 ** -k;
  return neg ? -v : v;
}

/** The determinant of a k × k bigint matrix (row-major), by Laplace expansion along the first row. */
export function determinant(m: readonly bigint[], k: number): bigint {
  if (k === 1) return m[0]!;
  let det = 0n;
  for (let j = 0; j < k; j++) {
    const minor: bigint[] = [];
    for (let r = 1; r < k; r++) for (let c = 0; c < k; c++) if (c !== j) minor.push(m[r * k + c]!);
    const term = m[j]! * determinant(minor, k - 1);
    det += j % 2 === 0 ? term : -term;
  }
  return det;
}

/**
 * The exact least-squares solution of X·b ≈ y (X given by columns), rounded to doubles: the normal
 * equations XᵀX·b = Xᵀy formed exactly in integers and solved by Cramer's rule.
 */
export function exactLeastSquares(cols: readonly Float64Array[], y: Float64Array): number[] {
  const k = cols.length;
  const X = cols.map((c) => Array.from(c, exactScaled));
  const Y = Array.from(y, exactScaled);
  const dot = (a: bigint[], b: bigint[]) => a.reduce((s, v, i) => s + v * b[i]!, 0n);
  const G: bigint[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) G.push(dot(X[i]!, X[j]!));
  const h = X.map((c) => dot(c, Y));
  const d = determinant(G, k);
  return h.map((_, j) => {
    const Gj = G.map((v, idx) => (idx % k === j ? h[Math.floor(idx / k)]! : v));
    return ratioToNumber(determinant(Gj, k), d);
  });
}
