/** The backtester's price data layer: CSV loading (wide or long) and window selection. */
export { DAY_MS, dayIndex, formatDay, formatTime, parseDay, parseTime } from './dates.ts';
export { PriceDataError, PriceWindowError } from './errors.ts';
export { detectFormat, loadPriceCsv, type PriceCsvFormat, parsePriceCsv } from './load.ts';
export type { FillMode, PriceTable, WindowedPrices } from './types.ts';
export { selectWindow, type WindowOptions } from './window.ts';
export { formatLongCsv, formatWideCsv } from './write.ts';
