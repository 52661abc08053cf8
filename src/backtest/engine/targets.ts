import { sampleCovariance } from '../../core/targets/linalg.ts';
import { equalRiskContribution, equalWeights, inverseVolatility, minimumVariance } from '../../core/targets/weights.ts';
import type { Universe } from '../../core/universe.ts';
import type { TargetRule } from './types.ts';

/**
 * Writes the target for bar t into `target` (universe order) according to the rule. The cash keeps the
 * base target's weight; the dynamic rule spreads the rest over the other assets, estimated on the trailing
 * `lookback` bars up to t (equal weights until two returns exist). `prices` is T×n in universe order.
 */
export function updateTarget(
  rule: TargetRule,
  u: Universe,
  base: Float64Array,
  prices: Float64Array,
  times: Float64Array,
  t: number,
  target: Float64Array,
): void {
  if (rule.kind === 'fixed') return;
  const n = u.n;
  const q = u.quoteIndex;
  if (rule.kind === 'file') {
    const s = rule.schedule;
    let k = -1;
    for (let j = 0; j < s.times.length && s.times[j]! <= times[t]!; j++) k = j;
    target.set(k >= 0 ? s.weights[k]! : base);
    return;
  }
  const m = n - 1;
  const from = Math.max(0, t - rule.lookback);
  const risky = new Float64Array((t - from + 1) * m);
  for (let s = from; s <= t; s++) {
    let c = 0;
    for (let i = 0; i < n; i++) if (i !== q) risky[(s - from) * m + c++] = prices[s * n + i]!;
  }
  const cov = rule.kind === 'equal' ? null : sampleCovariance(risky, m, 0, t - from);
  const w =
    cov === null
      ? equalWeights(m)
      : rule.kind === 'invvol'
        ? inverseVolatility(cov, m)
        : rule.kind === 'erc'
          ? equalRiskContribution(cov, m)
          : minimumVariance(cov, m);
  const rest = 1 - base[q]!;
  let c = 0;
  for (let i = 0; i < n; i++) target[i] = i === q ? base[q]! : rest * w[c++]!;
}
