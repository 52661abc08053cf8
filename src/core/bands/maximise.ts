/** One-dimensional maximisation for `ballast advise` (pure, deterministic). */

/** Golden-section search of the maximum of f on [lo, hi] (unimodal there). */
export function goldenMax(f: (h: number) => number, lo: number, hi: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 200 && b - a > 1e-12 * b; it++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** Maximises f over a log grid of k + 1 points of [lo, hi], refined by golden section around the grid's best. */
export function maximise(f: (h: number) => number, lo: number, hi: number, k = 400): number {
  let best = lo;
  let fb = Number.NEGATIVE_INFINITY;
  let bi = 0;
  const at = (j: number) => lo * (hi / lo) ** (j / k);
  for (let j = 0; j <= k; j++) {
    const v = f(at(j));
    if (v > fb) {
      fb = v;
      best = at(j);
      bi = j;
    }
  }
  const h = goldenMax(f, at(Math.max(0, bi - 1)), at(Math.min(k, bi + 1)));
  return f(h) >= fb ? h : best;
}

/** A root of f in [lo, hi] where f(lo) and f(hi) differ in sign, by bisection in ln x (x > 0). */
export function bisectLog(f: (x: number) => number, lo: number, hi: number): number {
  const up = f(hi) > 0;
  let a = lo;
  let b = hi;
  for (let it = 0; it < 200 && b - a > 1e-12 * b; it++) {
    const m = Math.sqrt(a * b);
    if (f(m) > 0 === up) b = m;
    else a = m;
  }
  return Math.sqrt(a * b);
}
