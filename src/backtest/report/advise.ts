/**
 * The report of `ballast advise`: one self-contained HTML file (ECharts inlined, no network) with the
 * expected net benefit a year against the band's half-width, the harvest and the cost, the best band and
 * the formula's bands per asset marked.
 */
import { echartsSource } from './echartsSource.ts';
import { escapeHtml, jsonForScript } from './escape.ts';
import { REPORT_CSS } from './styles.ts';

export interface AdviseReportInput {
  readonly title: string;
  readonly generatedAt: string;
  readonly quote: string;
  readonly summary: readonly string[];
  readonly curve: readonly { halfWidth: number; harvest: number; cost: number; netBenefit: number }[];
  readonly best: number;
  readonly formulaBands: readonly { asset: string; halfWidth: number }[];
}

const CLIENT = `(function () {
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var c = echarts.init(document.getElementById('chart-advise'));
  var pct = function (v) { return (v * 100).toFixed(2) + '%'; };
  var line = function (name, key) {
    return { name: name, type: 'line', showSymbol: false, data: d.curve.map(function (p) { return [p.halfWidth, p[key]]; }) };
  };
  var net = line('net benefit', 'netBenefit');
  net.markLine = { symbol: 'none', label: { formatter: function (p) { return p.name; } },
    data: [{ name: 'best ' + pct(d.best), xAxis: d.best }].concat(d.formula.map(function (f) {
      return { name: f.asset + ' ' + pct(f.halfWidth), xAxis: f.halfWidth, lineStyle: { type: 'dotted' } };
    })) };
  c.setOption({
    tooltip: { trigger: 'axis', valueFormatter: function (v) { return Number(v).toFixed(2) + ' ' + d.quote; } },
    legend: {},
    xAxis: { type: 'log', name: 'half-width', axisLabel: { formatter: pct } },
    yAxis: { type: 'value', name: d.quote + ' a year', scale: true },
    dataZoom: [{ type: 'inside' }],
    series: [net, line('harvest (tracking loss avoided)', 'harvest'), line('cost', 'cost')]
  });
  window.addEventListener('resize', function () { c.resize(); });
})();`;

export function renderAdviseReport(input: AdviseReportInput): string {
  const lib = echartsSource();
  const payload = { quote: input.quote, curve: input.curve, best: input.best, formula: input.formulaBands };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ballast advise">
<title>${escapeHtml(input.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(input.title)}</h1><p class="meta">${escapeHtml(`Generated ${input.generatedAt}`)}</p></header>
<section id="summary"><h2>Summary</h2><ul class="notes">${input.summary.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul></section>
<section id="curve"><h2>Expected net benefit of rebalancing a year against the band</h2>
<div class="chart" id="chart-advise"></div>
<p class="hint">Model and assumptions: docs/bands.md. Dotted lines: the optband formula's band per asset.</p></section>
<footer>Drawn with Apache ECharts ${escapeHtml(lib.version)} (Apache-2.0), inlined: this file needs no network.</footer>
<script>${lib.source}</script>
<script type="application/json" id="report-data">${jsonForScript(payload)}</script>
<script>${CLIENT}</script>
</body>
</html>
`;
}
