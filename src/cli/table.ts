/** A plain text table: right-aligned numbers, left-aligned text. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const isNum = (s: string) => /^[-+]?[\d.,]+(e[-+]?\d+)?%?$/.test(s);
  const fmt = (r: readonly string[]) =>
    r
      .map((cell, c) => (isNum(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

export const fmtNum = (x: number, digits = 2): string =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : String(x);
export const fmtQty = (x: number): string => (x === 0 ? '' : String(+x.toPrecision(10)));
export const fmtPct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;

/**
 * One format per quantity, the same in every table (the backtest's, the sweep's, the report's metrics):
 * Sharpe to 3 decimals, rates as percentages to 2, money to whole units, counts whole.
 */
export function fmtMetric(key: string, x: number): string {
  if (!Number.isFinite(x)) return '—';
  switch (key) {
    case 'sharpe':
      return x.toFixed(3);
    case 'totalReturn':
    case 'cagr':
    case 'volatility':
    case 'maxDrawdown':
      return fmtPct(x, 2);
    case 'rebalances':
      return String(Math.round(x));
    default:
      return fmtNum(x, 0);
  }
}
