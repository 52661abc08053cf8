/**
 * The price series `ballast vol` works on: one asset's closes from a price CSV (the backtester's loader,
 * wide or long), inside an optional window of UTC days, and their log returns from consecutive rows of
 * that window only. Rows before the asset's first price are skipped; a missing price after it is an error.
 */
import { dayIndex, formatDay, parseDay } from '../../backtest/data/dates.ts';
import { PriceWindowError } from '../../backtest/data/errors.ts';
import type { PriceTable } from '../../backtest/data/types.ts';
import { logReturns } from '../../core/forecast/returns.ts';
import { UsageError } from '../io.ts';

export interface AssetSeries {
  readonly asset: string;
  /** Times of the prices (ms UTC); returns[k] is from prices k to k + 1. */
  readonly times: Float64Array;
  readonly prices: Float64Array;
  readonly returns: Float64Array;
}

/** A `--start`/`--end` value as a UTC day index; bad dates are usage errors naming the flag. */
export function dayFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDay(value.trim());
  if (Number.isNaN(ms)) throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a date (YYYY-MM-DD, a UTC day)`);
  return dayIndex(ms);
}

export function assetSeries(
  table: PriceTable,
  file: string,
  asset: string,
  startDay?: number,
  endDay?: number,
): AssetSeries {
  const col = table.assets.indexOf(asset);
  if (col < 0)
    throw new PriceWindowError(
      `${file}: asset "${asset}" is not in the price file (it has: ${table.assets.join(', ')})`,
      {
        asset,
      },
    );
  const c = table.closes[col]!;
  const T = table.times.length;
  let first = 0;
  while (first < T && startDay !== undefined && dayIndex(table.times[first]!) < startDay) first++;
  let last = T - 1;
  while (last >= first && endDay !== undefined && dayIndex(table.times[last]!) > endDay) last--;
  while (first <= last && Number.isNaN(c[first]!)) first++;
  while (last >= first && Number.isNaN(c[last]!)) last--;
  if (last - first < 1) {
    const span = `${startDay === undefined ? 'the start' : formatDay(startDay * 86_400_000)} to ${endDay === undefined ? 'the end' : formatDay(endDay * 86_400_000)}`;
    throw new PriceWindowError(`${file}: fewer than 2 prices of ${asset} from ${span}: no return to model`, { asset });
  }
  for (let t = first; t <= last; t++)
    if (Number.isNaN(c[t]!)) {
      const date = formatDay(table.times[t]!);
      throw new PriceWindowError(
        `${file}: no price for ${asset} on ${date}: returns are taken from consecutive rows, so a gap inside the window is an error (choose --start/--end around it)`,
        { asset, date },
      );
    }
  const prices = c.slice(first, last + 1);
  return { asset, times: table.times.slice(first, last + 1), prices, returns: logReturns(prices) };
}
