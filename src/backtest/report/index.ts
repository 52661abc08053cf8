/** The backtest's self-contained HTML report. */
export { buildChartPayload, drawdownSeries } from './chartData.ts';
export { minMaxIndices, strideIndices } from './downsample.ts';
export { ChartLibraryError } from './echartsSource.ts';
export { escapeHtml } from './escape.ts';
export { renderReport } from './render.ts';
export type { NumberColumn, RenderOptions, ReportInput, ReportRun, ReportSweep } from './types.ts';
export { ReportInputError } from './validate.ts';
