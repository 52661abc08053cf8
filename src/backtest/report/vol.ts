/**
 * The report of `ballast vol evaluate`: one self-contained HTML file (the ECharts bundle, data, styles and
 * script inlined, as the backtest report) with the loss table and, per asset, each model's rolling
 * one-step variance forecast against the realized squared returns of the holdout.
 */
import { echartsSource } from './echartsSource.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import { REPORT_CSS } from './styles.ts';
import { VOL_CLIENT_SCRIPT } from './volClient.ts';

export interface VolReportScore {
  readonly model: string;
  readonly qlike: number;
  readonly mse: number;
  readonly dmQlike: number;
  readonly dmMse: number;
}

export interface VolReportAsset {
  readonly asset: string;
  /** Times of the holdout returns (ms UTC), their r², and each model's forecasts of them. */
  readonly times: Float64Array;
  readonly realized: Float64Array;
  readonly forecasts: readonly { readonly model: string; readonly values: Float64Array }[];
  readonly scores: readonly VolReportScore[];
}

export interface VolReportInput {
  readonly title: string;
  readonly generatedAt: string;
  readonly notes: readonly string[];
  readonly assets: readonly VolReportAsset[];
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const num = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function lossTable(assets: readonly VolReportAsset[]): string {
  const head = ['asset', 'model', 'QLIKE', 'MSE', 'DM t (QLIKE)', 'DM t (MSE)']
    .map((h, i) => `<th${i < 2 ? ' class="txt"' : ''}>${escapeHtml(h)}</th>`)
    .join('');
  const rows = assets.flatMap((a) => {
    const bestQ = Math.min(...a.scores.map((s) => s.qlike));
    const bestM = Math.min(...a.scores.map((s) => s.mse));
    return a.scores.map((s) => {
      const cell = (v: string, best: boolean) => `<td class="num${best ? ' up' : ''}">${escapeHtml(v)}</td>`;
      return `<tr><td class="txt">${escapeHtml(a.asset)}</td><td class="txt">${escapeHtml(s.model)}</td>${cell(num(s.qlike, 4), s.qlike === bestQ)}${cell(Number.isFinite(s.mse) ? s.mse.toExponential(3) : '—', s.mse === bestM)}${cell(num(s.dmQlike, 2), false)}${cell(num(s.dmMse, 2), false)}</tr>`;
    });
  });
  return `<table class="metrics"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderVolReport(input: VolReportInput): string {
  const lib = echartsSource();
  const payload = {
    assets: input.assets.map((a) => ({
      asset: a.asset,
      t: Array.from(a.times),
      realized: Array.from(a.realized),
      series: a.forecasts.map((f) => ({ model: f.model, v: Array.from(f.values) })),
    })),
  };
  const first = input.assets[0];
  const span = first ? `${day(first.times[0]!)} → ${day(first.times[first.times.length - 1]!)}` : '';
  const options = input.assets.map((a, i) => `<option value="${i}">${escapeHtml(a.asset)}</option>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ballast vol evaluate">
<title>${escapeHtml(input.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(input.title)}</h1><p class="meta">${escapeHtml(`Generated ${input.generatedAt} · holdout ${span}`)}</p></header>
<section id="losses"><h2>Out-of-sample losses</h2><div class="table-wrap">${lossTable(input.assets)}</div>
<p class="hint">Lower is better (the best per asset in green). DM t: Diebold–Mariano statistic of the loss difference against EWMA (Newey–West, 5 lags); negative means lower loss than EWMA, |t| &gt; 1.96 is significant at 5%.</p></section>
<section id="forecasts"><h2>Forecasts against realized squared returns</h2>
<div class="controls"><label>Asset <select id="asset">${options}</select></label><label><input type="checkbox" id="log-scale" checked> Log scale</label><span class="hint">Drag or scroll to zoom; click a legend entry to hide a model.</span></div>
<div class="chart" id="chart-forecasts"></div></section>
<section id="notes"><h2>Notes</h2><ul class="notes">${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></section>
<footer>Drawn with Apache ECharts ${escapeHtml(lib.version)} (Apache-2.0), inlined: this file needs no network.</footer>
<script>${lib.source}</script>
<script type="application/json" id="report-data">${jsonForScript(payload)}</script>
<script>${VOL_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
