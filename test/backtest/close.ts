import assert from 'node:assert/strict';

/** |actual − expected| ≤ rel·max(|expected|, tiny); `null` only equals `null`. */
export function closeTo(actual: number | null, expected: number | null, rel: number, what: string): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, `${what}: expected ${expected}, got ${actual}`);
    return;
  }
  const scale = Math.max(Math.abs(expected), 1e-300);
  const err = Math.abs(actual - expected) / scale;
  assert.ok(
    err <= rel,
    `${what}: expected ${expected}, got ${actual} (relative error ${err.toExponential(2)} > ${rel})`,
  );
}

export const METRIC_KEYS = [
  'finalValue',
  'totalReturn',
  'cagr',
  'volatility',
  'sharpe',
  'maxDrawdown',
  'rebalances',
  'fees',
  'turnover',
] as const;

/** Every metric of `a` against `b` to `rel` relative (exact for the count). */
export function sameMetrics(
  a: Readonly<Record<(typeof METRIC_KEYS)[number], number | null>>,
  b: Readonly<Record<(typeof METRIC_KEYS)[number], number | null>>,
  rel: number,
  what: string,
): void {
  for (const k of METRIC_KEYS) {
    if (k === 'rebalances') assert.equal(a[k], b[k], `${what}: rebalances`);
    else closeTo(a[k], b[k], rel, `${what}: ${k}`);
  }
}
