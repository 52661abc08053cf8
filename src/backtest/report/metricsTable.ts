/** The metrics table: one row per strategy, the metrics, any extra ones, and the difference to HODL. */
import { escapeHtml } from './escape.ts';
import { formatDelta, formatMetric, type MetricKind } from './format.ts';
import type { ReportRun } from './types.ts';

interface Column {
  readonly key: string;
  readonly label: string;
  readonly kind: MetricKind;
}

export const METRIC_COLUMNS: readonly Column[] = [
  { key: 'finalValue', label: 'Final value', kind: 'money' },
  { key: 'totalReturn', label: 'Total return', kind: 'percent' },
  { key: 'cagr', label: 'CAGR', kind: 'percent' },
  { key: 'volatility', label: 'Volatility', kind: 'percent' },
  { key: 'sharpe', label: 'Sharpe', kind: 'ratio' },
  { key: 'maxDrawdown', label: 'Max drawdown', kind: 'percent' },
  { key: 'rebalances', label: 'Rebalances', kind: 'count' },
  { key: 'fees', label: 'Fees', kind: 'money' },
  { key: 'turnover', label: 'Turnover', kind: 'money' },
];

interface DeltaColumn {
  readonly key: string;
  readonly label: string;
  readonly kind: MetricKind | 'relative';
  readonly higherIsBetter: boolean;
}

/** Differences to HODL: final value relative, rates in percentage points, Sharpe in units. */
const DELTA_COLUMNS: readonly DeltaColumn[] = [
  { key: 'finalValue', label: 'Final value vs HODL', kind: 'relative', higherIsBetter: true },
  { key: 'cagr', label: 'CAGR vs HODL', kind: 'percent', higherIsBetter: true },
  { key: 'sharpe', label: 'Sharpe vs HODL', kind: 'ratio', higherIsBetter: true },
  { key: 'maxDrawdown', label: 'Max drawdown vs HODL', kind: 'percent', higherIsBetter: false },
];

/** A run's metric by name, from `metrics` or `extraMetrics`; null when absent or not a number. */
export function metricOf(run: ReportRun, key: string): number | null {
  const fromMetrics: unknown = (run.metrics as Record<string, unknown>)[key];
  if (typeof fromMetrics === 'number') return fromMetrics;
  const extra = run.extraMetrics?.[key];
  return typeof extra === 'number' ? extra : null;
}

/** Names of every numeric (or null) metric a run carries beyond the standard columns. */
function extraKeys(run: ReportRun, known: ReadonlySet<string>): string[] {
  const all = { ...(run.metrics as Record<string, unknown>), ...(run.extraMetrics ?? {}) };
  return Object.keys(all).filter((k) => !known.has(k) && (typeof all[k] === 'number' || all[k] === null));
}

function delta(run: ReportRun, hodl: ReportRun, c: DeltaColumn): number | null {
  const a = metricOf(run, c.key);
  const b = metricOf(hodl, c.key);
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  if (c.kind === 'relative') return b === 0 ? null : a / b - 1;
  return a - b;
}

function cell(raw: number | null, text: string, cls = ''): string {
  const v = raw === null || !Number.isFinite(raw) ? '' : String(raw);
  return `<td class="num${cls}" data-v="${escapeHtml(v)}" title="${escapeHtml(v)}">${escapeHtml(text)}</td>`;
}

export function renderMetricsTable(runs: readonly ReportRun[], hodlStrategy: string): string {
  const hodl = runs.find((r) => r.strategy === hodlStrategy) as ReportRun;
  const known = new Set(METRIC_COLUMNS.map((c) => c.key));
  const extras: Column[] = [];
  for (const r of runs) {
    for (const k of extraKeys(r, known)) {
      known.add(k);
      extras.push({ key: k, label: k, kind: 'number' });
    }
  }
  const columns = [...METRIC_COLUMNS, ...extras];
  const head = [
    '<th data-col="0" class="txt">Strategy</th>',
    ...columns.map((c, i) => `<th data-col="${i + 1}">${escapeHtml(c.label)}</th>`),
    ...DELTA_COLUMNS.map(
      (c, i) => `<th data-col="${columns.length + i + 1}" class="delta">${escapeHtml(c.label)}</th>`,
    ),
  ].join('');
  const rows = runs.map((r) => {
    const isHodl = r.strategy === hodlStrategy;
    const cells = [
      `<td class="txt" data-v="${escapeHtml(r.strategy)}">${escapeHtml(r.strategy)}${isHodl ? ' <span class="tag">baseline</span>' : ''}</td>`,
    ];
    for (const c of columns) {
      const v = metricOf(r, c.key);
      cells.push(cell(v, formatMetric(v, c.kind)));
    }
    for (const c of DELTA_COLUMNS) {
      const d = isHodl ? null : delta(r, hodl, c);
      const good = d === null || d === 0 ? '' : d > 0 === c.higherIsBetter ? ' up' : ' down';
      cells.push(cell(d, isHodl ? '—' : formatDelta(d, c.kind), ` delta${good}`));
    }
    return `<tr${isHodl ? ' class="hodl"' : ''}>${cells.join('')}</tr>`;
  });
  return `<table id="metrics-table" class="metrics"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
