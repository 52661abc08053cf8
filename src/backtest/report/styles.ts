/** The report's stylesheet (no web fonts, no external resources). */
export const REPORT_CSS = `
:root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #ffffff; --panel: #f9fafb; --up: #047857; --down: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: var(--bg); }
header, section, footer { max-width: 1440px; margin: 0 auto; padding: 12px 24px; }
header { padding-top: 24px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 8px 0; }
.meta, footer, .hint { color: var(--muted); font-size: 12px; }
.chart { width: 100%; height: 380px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
#chart-drawdown { height: 260px; }
#chart-sweep { height: 460px; }
.controls { display: flex; gap: 16px; align-items: center; margin: 4px 0 8px; font-size: 13px; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table.metrics { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; font-size: 12.5px; }
table.metrics th, table.metrics td { padding: 5px 7px; border-bottom: 1px solid var(--line); white-space: nowrap; }
table.metrics th { background: var(--panel); text-align: right; white-space: normal; vertical-align: bottom; max-width: 96px; cursor: pointer; user-select: none; position: sticky; top: 0; }
table.metrics th.txt, table.metrics td.txt { text-align: left; }
table.metrics td.num { text-align: right; }
table.metrics th.delta, table.metrics td.delta { background: #f3f4f6; }
table.metrics tr.hodl td { font-weight: 600; }
table.metrics th[aria-sort="ascending"]::after { content: " ▲"; }
table.metrics th[aria-sort="descending"]::after { content: " ▼"; }
td.up { color: var(--up); }
td.down { color: var(--down); }
.tag { font-size: 10px; font-weight: 500; color: var(--muted); border: 1px solid var(--line); border-radius: 3px; padding: 0 4px; }
ul.notes { margin: 4px 0; padding-left: 18px; }
`;
