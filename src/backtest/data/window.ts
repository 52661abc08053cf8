/**
 * Selects the backtest's assets and bars from a loaded price table.
 * - The cash asset (the quote) has price 1 by definition: a CSV column with its name is an error.
 * - A bar is in the window when start ≤ its UTC date ≤ end (both inclusive, `YYYY-MM-DD`).
 * - Without a start, the window opens at the first bar where every target asset has a price.
 * - A missing price inside the window is an error unless fill is 'forward', which carries the
 *   asset's last earlier close (possibly from before the window) and counts the cell in `filled`.
 */
import { dayIndex, formatDay, parseDay } from './dates.ts';
import { PriceWindowError } from './errors.ts';
import type { FillMode, PriceTable, WindowedPrices } from './types.ts';

export interface WindowOptions {
  /** Target assets, without the cash asset, in the order the output should have. */
  readonly assets: readonly string[];
  /** The quote asset (e.g. USD); it must not appear as a CSV column. */
  readonly cash: string;
  /** First UTC day (YYYY-MM-DD) of the window, inclusive. Default: first bar with every target priced. */
  readonly start?: string;
  /** Last UTC day (YYYY-MM-DD) of the window, inclusive. Default: the last bar. */
  readonly end?: string;
  /** 'none' (default): a missing price is an error. 'forward': carry the last close forward. */
  readonly fill?: FillMode;
}

function optionDay(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDay(value.trim());
  if (Number.isNaN(ms)) throw new PriceWindowError(`${name} "${value}" is not a date: use YYYY-MM-DD (a UTC day)`);
  return dayIndex(ms);
}

function columnsOf(table: PriceTable, opts: WindowOptions): Float64Array[] {
  if (table.assets.includes(opts.cash)) {
    throw new PriceWindowError(
      `the price file has a column "${opts.cash}", the cash asset: its price is 1 by definition; remove the column or choose another quote`,
      { asset: opts.cash },
    );
  }
  if (opts.assets.length === 0)
    throw new PriceWindowError('no target assets: name at least one asset besides the cash asset');
  const seen = new Set<string>();
  return opts.assets.map((a) => {
    if (a === opts.cash)
      throw new PriceWindowError(`target asset "${a}" is the cash asset: list it only as the quote`, { asset: a });
    if (seen.has(a)) throw new PriceWindowError(`target asset "${a}" is listed twice`, { asset: a });
    seen.add(a);
    const i = table.assets.indexOf(a);
    if (i < 0) {
      throw new PriceWindowError(`asset "${a}" is not in the price file (it has: ${table.assets.join(', ')})`, {
        asset: a,
      });
    }
    return table.closes[i];
  });
}

export function selectWindow(table: PriceTable, opts: WindowOptions): WindowedPrices {
  const cols = columnsOf(table, opts);
  const startDay = optionDay(opts.start, 'start');
  const endDay = optionDay(opts.end, 'end');
  if (startDay !== undefined && endDay !== undefined && endDay < startDay) {
    throw new PriceWindowError(`end ${opts.end} is before start ${opts.start}`);
  }
  const { times } = table;
  const T = times.length;
  let first = 0;
  if (startDay !== undefined) {
    while (first < T && dayIndex(times[first]) < startDay) first++;
  } else {
    while (first < T && cols.some((c) => Number.isNaN(c[first]))) first++;
    if (first === T) {
      throw new PriceWindowError(
        `no bar has a price for every target asset (${opts.assets.join(', ')}); check the asset list`,
      );
    }
  }
  let last = T - 1;
  if (endDay !== undefined) while (last >= first && dayIndex(times[last]) > endDay) last--;
  if (last < first) {
    const span = `${opts.start ?? formatDay(times[first] ?? times[T - 1])} to ${opts.end ?? formatDay(times[T - 1])}`;
    throw new PriceWindowError(
      `no bar in the window ${span} (the file covers ${formatDay(times[0])} to ${formatDay(times[T - 1])})`,
    );
  }
  return fillWindow(table, opts, cols, first, last);
}

function fillWindow(
  table: PriceTable,
  opts: WindowOptions,
  cols: Float64Array[],
  first: number,
  last: number,
): WindowedPrices {
  const n = cols.length;
  const rows = last - first + 1;
  const prices = new Float64Array(rows * n);
  const forward = opts.fill === 'forward';
  let filled = 0;
  for (let i = 0; i < n; i++) {
    const c = cols[i];
    let carry = Number.NaN;
    if (forward) for (let t = first - 1; t >= 0 && Number.isNaN(carry); t--) carry = c[t];
    for (let t = first; t <= last; t++) {
      let v = c[t];
      if (Number.isNaN(v)) {
        if (!forward || Number.isNaN(carry)) {
          const date = formatDay(table.times[t]);
          const fix = forward
            ? 'there is no earlier price to carry forward; start the window later'
            : 'use --fill forward or start the window later';
          const src = table.source;
          const at = src ? `${src.file}${src.line ? `:${src.line(t)}` : ''}: ` : '';
          throw new PriceWindowError(`${at}no price for ${opts.assets[i]} on ${date} (${fix})`, {
            asset: opts.assets[i],
            date,
          });
        }
        v = carry;
        filled++;
      }
      carry = v;
      prices[(t - first) * n + i] = v;
    }
  }
  return { assets: [...opts.assets], times: table.times.slice(first, last + 1), prices, filled };
}
