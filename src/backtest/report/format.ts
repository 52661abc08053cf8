/** Number formats of the metrics table (server-side, so the table reads without JavaScript). */

export type MetricKind = 'money' | 'percent' | 'ratio' | 'count' | 'number';

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatMetric(value: number | null | undefined, kind: MetricKind): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (kind) {
    case 'money':
      return money.format(value);
    case 'percent':
      return `${(value * 100).toFixed(2)}%`;
    case 'ratio':
      return value.toFixed(3);
    case 'count':
      return count.format(value);
    default:
      return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
        ? value.toExponential(3)
        : value.toPrecision(4);
  }
}

/** A signed difference: `+1.23%`, `−0.045`, in the metric's unit (percentage points for percentages). */
export function formatDelta(delta: number | null, kind: MetricKind | 'relative'): string {
  if (delta === null || !Number.isFinite(delta)) return '—';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const a = Math.abs(delta);
  switch (kind) {
    case 'relative':
      return `${sign}${(a * 100).toFixed(2)}%`;
    case 'percent':
      return `${sign}${(a * 100).toFixed(2)} pp`;
    case 'ratio':
      return `${sign}${a.toFixed(3)}`;
    default:
      return `${sign}${formatMetric(a, kind)}`;
  }
}
