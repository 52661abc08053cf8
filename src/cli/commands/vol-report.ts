/** The input of the HTML report of `ballast vol evaluate`, from its evaluations. */
import type { VolReportInput } from '../../backtest/report/vol.ts';
import type { EvaluatedAsset } from './vol-format.ts';

export function volReportInput(file: string, refitEvery: number, list: readonly EvaluatedAsset[]): VolReportInput {
  const ev0 = list[0]!.ev;
  return {
    title: 'Ballast volatility forecasts',
    generatedAt: new Date().toISOString(),
    notes: [
      `Prices: ${file}; log returns of consecutive rows. Holdout: the last ${ev0.holdout} returns of each asset.`,
      `Every forecast uses only the returns before the one it forecasts. EWMA (λ 0.94) is seeded from the first 30 returns; GARCH(1,1), HAR-RV and the two-state HMM are fitted on every return before the holdout and refitted after every ${refitEvery} returns on the expanding window.`,
      'QLIKE = x/h − ln(x/h) − 1 with x = max(r², 1e-12); MSE = (r² − h)². Formulas: docs/forecasts.md.',
    ],
    assets: list.map(({ series, ev }) => ({
      asset: series.asset,
      times: series.times.slice(ev.n - ev.holdout + 1),
      realized: ev.realized,
      forecasts: ev.scores.map((s) => ({ model: s.model, values: s.forecasts })),
      scores: ev.scores,
    })),
  };
}
