/** What `ballast vol` prints: the JSON objects (exactly the documented keys) and the readable tables. */
import { formatDay } from '../../backtest/data/dates.ts';
import type { AssetEvaluation } from '../../core/forecast/evaluate.ts';
import type { EwmaFit } from '../../core/forecast/ewma.ts';
import type { GarchFit } from '../../core/forecast/garch.ts';
import type { HarFit } from '../../core/forecast/har.ts';
import type { HmmFit } from '../../core/forecast/hmm.ts';
import { table } from '../table.ts';
import type { AssetSeries } from './vol-data.ts';

export type FitResult =
  | { readonly model: 'garch'; readonly fit: GarchFit }
  | { readonly model: 'ewma'; readonly fit: EwmaFit }
  | { readonly model: 'har'; readonly fit: HarFit }
  | { readonly model: 'hmm'; readonly fit: HmmFit; readonly forecast: number; readonly n: number };

export function fitJson(r: FitResult): Record<string, unknown> {
  switch (r.model) {
    case 'garch': {
      const f = r.fit;
      return { omega: f.omega, alpha: f.alpha, beta: f.beta, loglik: f.loglik, forecast: f.forecast, n: f.n };
    }
    case 'ewma':
      return { lambda: r.fit.lambda, last: r.fit.last, forecast: r.fit.forecast };
    case 'har': {
      const f = r.fit;
      return { b0: f.b0, b1: f.b1, b5: f.b5, b22: f.b22, forecast: f.forecast, n: f.n };
    }
    case 'hmm': {
      const f = r.fit;
      return { mu: f.mu, variance: f.variance, trans: f.trans, loglik: f.loglik, forecast: r.forecast, n: r.n };
    }
  }
}

const sci = (x: number) =>
  Number.isFinite(x) ? (x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(5) : x.toPrecision(6)) : 'n/a';
const MODEL_TITLE = { garch: 'GARCH(1,1)', ewma: 'EWMA', har: 'HAR-RV', hmm: 'two-state HMM' } as const;

export function fitText(r: FitResult, s: AssetSeries): string {
  const rows: string[][] = [];
  const add = (name: string, v: number, se?: number) => rows.push([name, sci(v), se === undefined ? '' : sci(se)]);
  switch (r.model) {
    case 'garch':
      add('omega', r.fit.omega, r.fit.se.omega);
      add('alpha', r.fit.alpha, r.fit.se.alpha);
      add('beta', r.fit.beta, r.fit.se.beta);
      add('alpha + beta', r.fit.alpha + r.fit.beta);
      add('loglik', r.fit.loglik);
      break;
    case 'ewma':
      add('lambda', r.fit.lambda);
      add('last', r.fit.last);
      break;
    case 'har':
      add('b0', r.fit.b0);
      add('b1', r.fit.b1);
      add('b5', r.fit.b5);
      add('b22', r.fit.b22);
      break;
    case 'hmm':
      r.fit.mu.forEach((m, k) => {
        add(`state ${k} mean`, m);
        add(`state ${k} variance`, r.fit.variance[k]!);
        add(`state ${k} stays`, r.fit.trans[3 * k]!);
      });
      add('loglik', r.fit.loglik);
      break;
  }
  const f = fitJson(r).forecast as number;
  add('forecast', f);
  const head = `${s.asset}, ${MODEL_TITLE[r.model]} on ${s.returns.length.toLocaleString('en-US')} log returns, ${formatDay(s.times[0]!)} → ${formatDay(s.times[s.times.length - 1]!)}`;
  const body =
    r.model === 'garch'
      ? table(['parameter', 'value', 'std. error'], rows)
      : table(
          ['parameter', 'value'],
          rows.map((x) => x.slice(0, 2)),
        );
  return `${head}\n\n${body}\nnext bar: variance ${sci(f)}, volatility ${(Math.sqrt(f) * 100).toFixed(2)}% (${(Math.sqrt(f * 365) * 100).toFixed(1)}% a year at 365 bars)\n`;
}

export interface EvaluatedAsset {
  readonly series: AssetSeries;
  readonly ev: AssetEvaluation;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

export function evaluateJson(file: string, holdout: number, refitEvery: number, list: readonly EvaluatedAsset[]) {
  return {
    prices: file,
    holdout,
    refitEvery,
    assets: list.map(({ series, ev }) => ({
      asset: series.asset,
      n: ev.n,
      from: formatDay(series.times[ev.n - ev.holdout + 1]!),
      to: formatDay(series.times[ev.n]!),
      models: ev.scores.map((s) => ({
        model: s.model,
        qlike: s.qlike,
        mse: s.mse,
        dmQlike: finite(s.dmQlike),
        dmMse: finite(s.dmMse),
      })),
    })),
  };
}

export function evaluateText(list: readonly EvaluatedAsset[]): string {
  const rows: string[][] = [];
  const wins = { qlike: new Map<string, number>(), mse: new Map<string, number>() };
  for (const { series, ev } of list) {
    const bq = ev.scores.reduce((a, b) => (b.qlike < a.qlike ? b : a));
    const bm = ev.scores.reduce((a, b) => (b.mse < a.mse ? b : a));
    wins.qlike.set(bq.model, (wins.qlike.get(bq.model) ?? 0) + 1);
    wins.mse.set(bm.model, (wins.mse.get(bm.model) ?? 0) + 1);
    for (const s of ev.scores)
      rows.push([
        series.asset,
        s.model,
        `${s.qlike.toFixed(4)}${s === bq ? ' *' : ''}`,
        `${s.mse.toExponential(3)}${s === bm ? ' *' : ''}`,
        Number.isFinite(s.dmQlike) ? s.dmQlike.toFixed(2) : '',
        Number.isFinite(s.dmMse) ? s.dmMse.toFixed(2) : '',
      ]);
  }
  const summary = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const ev0 = list[0]!;
  return `${table(['asset', 'model', 'QLIKE', 'MSE', 'DM t QLIKE', 'DM t MSE'], rows)}

Holdout: the last ${ev0.ev.holdout} returns of each asset. * = lowest loss for the asset. DM t: Diebold–Mariano vs EWMA
(Newey–West, 5 lags); negative = lower loss than EWMA, |t| > 1.96 significant at 5%.
Lowest QLIKE: ${summary(wins.qlike)}. Lowest MSE: ${summary(wins.mse)}.
`;
}
