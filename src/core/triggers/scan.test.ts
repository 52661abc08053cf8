import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { rowAbsBreach, rowAbsBreachUniform, rowValue } from './scan.ts';

// The loops before they were unrolled by four (issue #29): one entry per iteration.
function valueOneByOne(P: Float64Array, qty: Float64Array, off: number): number {
  let v = 0;
  for (let i = 0; i < qty.length; i++) v += qty[i]! * P[off + i]!;
  return v;
}
function breachOneByOne(P: Float64Array, qty: Float64Array, off: number, v: number, t: Float64Array, band: number) {
  const inv = 1 / v;
  for (let i = 0; i < t.length; i++) {
    const d = qty[i]! * P[off + i]! * inv - t[i]!;
    if (d > band || -d > band) return true;
  }
  return false;
}

// Doubles of every kind the engine can meet: ordinary magnitudes, zeros of both signs, tiny and huge,
// NaN and infinities (a NaN price or holding must answer as the one-by-one loop does).
const num = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, -1e-300, 5e-324, 1e300) },
);
const row = fc.integer({ min: 0, max: 13 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    pad: fc.integer({ min: 0, max: 3 }),
    qty: fc.array(num, { minLength: n, maxLength: n }),
    p: fc.array(num, { minLength: n + 3, maxLength: n + 3 }),
    t: fc.array(fc.oneof(num, fc.double({ min: 0, max: 1, noNaN: true })), { minLength: n, maxLength: n }),
    band: fc.oneof(fc.double({ min: 0, max: 0.5, noNaN: true }), num),
  }),
);

test('rowValue unrolled by four: the same bits as one entry per iteration (lengths 0..13, generated doubles)', () => {
  fc.assert(
    fc.property(row, ({ qty, p, pad }) => {
      const P = Float64Array.from(p);
      const q = Float64Array.from(qty);
      assert.ok(Object.is(rowValue(P, q, pad), valueOneByOne(P, q, pad)));
    }),
    { numRuns: 2000 },
  );
});

test('rowAbsBreachUniform unrolled by four: the same answer as the one-by-one test, and as rowAbsBreach', () => {
  fc.assert(
    fc.property(row, ({ n, qty, p, pad, t, band }) => {
      const P = Float64Array.from(p);
      const q = Float64Array.from(qty);
      const T = Float64Array.from(t);
      const v = valueOneByOne(P, q, pad);
      const want = breachOneByOne(P, q, pad, v, T, band);
      assert.equal(rowAbsBreachUniform(P, q, pad, v, T, band), want);
      assert.equal(rowAbsBreach(P, q, pad, v, T, new Float64Array(n).fill(band)), want);
    }),
    { numRuns: 2000 },
  );
});

test('a breach in any of the four entries of an unrolled step, or in the tail, is found', () => {
  for (let n = 2; n <= 9; n++)
    for (let k = 0; k < n; k++) {
      const P = new Float64Array(n).fill(1);
      const q = new Float64Array(n).fill(1);
      const t = new Float64Array(n).fill(1 / n);
      assert.equal(rowAbsBreachUniform(P, q, 0, rowValue(P, q, 0), t, 0.01), false);
      q[k] = 2; // entry k's weight 2/(n+1) against 1/n: off by more than 1%
      assert.equal(rowAbsBreachUniform(P, q, 0, rowValue(P, q, 0), t, 0.01), true, `n ${n}, entry ${k}`);
    }
});

test('rowValue: sums whose rounding depends on the order (magnitudes 1e-8..1e8, both signs), every length 0..13', () => {
  // A reassociated sum (two entries added before the running total, say) gives other bits on most of these.
  let s = 12345;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let n = 0; n <= 13; n++)
    for (let c = 0; c < 200; c++) {
      const q = Float64Array.from({ length: n }, () => (rnd() - 0.5) * 10 ** (16 * rnd() - 8));
      const P = Float64Array.from({ length: n + 2 }, () => rnd() * 10 ** (8 * rnd() - 4));
      const off = c % 3;
      assert.ok(Object.is(rowValue(P, q, off), valueOneByOne(P, q, off)), `n ${n}, case ${c}`);
    }
});
