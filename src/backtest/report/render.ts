/**
 * renderReport: one self-contained HTML file (works offline: the ECharts bundle, the data, the styles
 * and the script are all inlined; no URL is loaded). Every text from the input is escaped.
 */
import { buildChartPayload } from './chartData.ts';
import { CLIENT_SCRIPT } from './client.ts';
import { echartsSource } from './echartsSource.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import { renderMetricsTable } from './metricsTable.ts';
import { REPORT_CSS } from './styles.ts';
import type { RenderOptions, ReportInput } from './types.ts';
import { ReportInputError, validateReportInput } from './validate.ts';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function section(id: string, title: string, body: string): string {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

export function renderReport(input: ReportInput, opts: RenderOptions = {}): string {
  validateReportInput(input);
  for (const [k, v] of Object.entries(opts)) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 4))
      throw new ReportInputError(`${k} must be an integer ≥ 4, got ${v}`);
  }
  const payload = buildChartPayload(input, opts);
  const lib = echartsSource();
  const T = input.times.length;
  const meta = [
    `Generated ${input.generatedAt}`,
    `${day(input.times[0])} → ${day(input.times[T - 1])} (${T.toLocaleString('en-US')} bars)`,
    `assets: ${input.assets.join(', ')}`,
    `baseline: ${input.hodlStrategy}`,
  ];
  // The weights chart opens on the first strategy that trades after bar 0 (HODL's weights only drift).
  const first = Math.max(
    0,
    payload.weights.findIndex((w) => w.strategy !== input.hodlStrategy),
  );
  const options = payload.weights
    .map((w, i) => `<option value="${i}"${i === first ? ' selected' : ''}>${escapeHtml(w.strategy)}</option>`)
    .join('');
  const parts = [
    section(
      'metrics',
      'Metrics',
      `<div class="table-wrap">${renderMetricsTable(input.runs, input.hodlStrategy)}</div>
<p class="hint">Exact values on hover; click a column to sort. "vs HODL": final value relative to ${escapeHtml(input.hodlStrategy)}, CAGR and max drawdown in percentage points, Sharpe in units.</p>`,
    ),
    section(
      'equity',
      'Equity',
      `<div class="controls"><label><input type="checkbox" id="log-scale"> Log scale</label><span class="hint">Drag or scroll to zoom; the drawdown chart follows. Click a legend entry to hide it, click it twice to show it alone.</span></div><div class="chart" id="chart-equity"></div>`,
    ),
    section('drawdown', 'Drawdown', '<div class="chart" id="chart-drawdown"></div>'),
    section(
      'weights',
      'Weights over time',
      payload.weights.length > 0
        ? `<div class="controls"><label>Strategy <select id="weights-strategy">${options}</select></label><span id="weights-note" class="hint"></span></div><div class="chart" id="chart-weights"></div>`
        : '<p class="hint">No run recorded its weights.</p>',
    ),
  ];
  if (payload.sweeps.length > 0) {
    const views = payload.sweeps.map((v, k) => `<option value="${k}">${escapeHtml(v.title)}</option>`).join('');
    const selector =
      payload.sweeps.length > 1
        ? `<div class="controls"><label>View <select id="sweep-view">${views}</select></label></div>`
        : '';
    const bests = payload.sweeps.map((v, k) => {
      const text = v.best
        ? `Best ${v.metric}: ${Number(v.best.value.toPrecision(6))} at ${v.xLabel} = ${v.best.x}, ${v.yLabel} = ${v.best.y}.`
        : 'No finite value in this view.';
      return `<p class="hint sweep-best" data-view="${k}"${k === 0 ? '' : ' hidden'}>${escapeHtml(text)}</p>`;
    });
    const caveat =
      '<p class="hint">In-sample: the best cell of a grid overstates what a choice made in advance would earn.</p>';
    const title = payload.sweeps.length > 1 ? 'Sweep' : `Sweep: ${payload.sweeps[0].title}`;
    parts.push(
      section('sweep', title, `${selector}<div class="chart" id="chart-sweep"></div>${bests.join('')}${caveat}`),
    );
  }
  if (input.notes && input.notes.length > 0) {
    parts.push(
      section(
        'notes',
        'Notes',
        `<ul class="notes">${input.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`,
      ),
    );
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ballast backtest">
<title>${escapeHtml(input.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(input.title)}</h1><p class="meta">${meta.map(escapeHtml).join(' · ')}</p></header>
${parts.join('\n')}
<footer>Charts: at most ${payload.maxPoints.toLocaleString('en-US')} points per curve (the lowest and highest bar of each bucket, so peaks and troughs are kept); weights on an even stride; the table holds the exact values. Drawn with Apache ECharts ${escapeHtml(lib.version)} (Apache-2.0), inlined: this file needs no network.</footer>
<script>${lib.source}</script>
<script type="application/json" id="report-data">${jsonForScript(payload)}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
