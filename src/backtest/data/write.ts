/**
 * Writes prices back to CSV, e.g. to save a synthetic market for `--prices`. Numbers are written with
 * JavaScript's shortest round-trip form, so loading the file gives back exactly the same doubles.
 */
import { formatTime } from './dates.ts';
import type { WindowedPrices } from './types.ts';

/** Wide CSV `date,A,B,...`: one row per bar; days at midnight UTC are written as YYYY-MM-DD. */
export function formatWideCsv(w: WindowedPrices): string {
  const n = w.assets.length;
  const lines = [`date,${w.assets.join(',')}`];
  for (let t = 0; t < w.times.length; t++) {
    const row = [formatTime(w.times[t])];
    for (let i = 0; i < n; i++) row.push(String(w.prices[t * n + i]));
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Long CSV `timestamp,asset,close`: one row per bar and asset, sorted by time then asset order. */
export function formatLongCsv(w: WindowedPrices): string {
  const n = w.assets.length;
  const lines = ['timestamp,asset,close'];
  for (let t = 0; t < w.times.length; t++) {
    const time = formatTime(w.times[t]);
    for (let i = 0; i < n; i++) lines.push(`${time},${w.assets[i]},${w.prices[t * n + i]}`);
  }
  return `${lines.join('\n')}\n`;
}
