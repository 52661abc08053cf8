import { better } from './analyze.ts';
import type { SweepConfig } from './grid.ts';
import { K, metricIndex } from './metrics-layout.ts';

export interface BandAdvice {
  readonly band: number;
  readonly source: 'sweep' | 'cube-root law fitted on the sweep' | 'cube-root law (theory)';
  readonly explanation: string;
}

/**
 * Suggests a band width for a fee level. When the sweep has that fee, its best width there (by `metric`)
 * is the answer. Otherwise the no-trade law: the optimal band grows with the cost's cube root
 * (Janeček & Shreve 2004; Rogers 2004), band = κ·fee^{1/3}, with κ fitted on the sweep's best widths at the
 * fee levels it has (median of bestWidth/fee^{1/3} over fees > 0). Without a usable sweep, the leading
 * term of the one-asset asymptotics, half-width = (3/(2γ)·w²(1−w)²·fee)^{1/3} (γ relative risk
 * aversion, w the target weight; Janeček & Shreve 2004) — a theoretical value, not a fit.
 */
export function adviseBand(
  results: Float64Array | null,
  configs: readonly SweepConfig[],
  family: string,
  feeBps: number,
  metric: string,
  theory: { weight: number; riskAversion: number },
): BandAdvice {
  const k = metricIndex(metric);
  const isBetter = better(metric);
  const bestAt = new Map<number, { width: number; score: number }>();
  if (results !== null) {
    configs.forEach((c, i) => {
      if (c.family !== family || Number.isNaN(c.width)) return;
      const v = results[i * K + k]!;
      const cur = bestAt.get(c.feeBps);
      if (!cur || isBetter(v, cur.score)) bestAt.set(c.feeBps, { width: c.width, score: v });
    });
  }
  const exact = bestAt.get(feeBps);
  if (exact) {
    return {
      band: exact.width,
      source: 'sweep',
      explanation: `best ${family} width by ${metric} at ${feeBps} bps in the sweep`,
    };
  }
  const ratios = [...bestAt].filter(([f]) => f > 0).map(([f, b]) => b.width / Math.cbrt(f / 1e4));
  if (ratios.length > 0) {
    ratios.sort((a, b) => a - b);
    const kappa = ratios[Math.floor(ratios.length / 2)]!;
    return {
      band: kappa * Math.cbrt(feeBps / 1e4),
      source: 'cube-root law fitted on the sweep',
      explanation: `κ·fee^(1/3) with κ = ${kappa.toFixed(4)} (median over ${ratios.length} fee levels of the sweep's best ${family} widths)`,
    };
  }
  const { weight: w, riskAversion: g } = theory;
  const kappa = Math.cbrt((3 / (2 * g)) * w * w * (1 - w) * (1 - w));
  return {
    band: kappa * Math.cbrt(feeBps / 1e4),
    source: 'cube-root law (theory)',
    explanation: `(3/(2γ)·w²(1−w)²·fee)^(1/3) with γ = ${g}, w = ${w}`,
  };
}
