/**
 * Long price CSV: `timestamp,asset,close` (column order free; `date`/`time` and `symbol`/`price` are
 * accepted as header names). Rows may be sorted by time or grouped by asset, but each asset's own rows
 * must be in strictly increasing time order. Bars are the union of all times; an asset without a row
 * at a bar has NaN there.
 */
import { cleanLine, LineReader, parsePrice, splitCells } from './csv.ts';
import { parseTime } from './dates.ts';
import { PriceDataError } from './errors.ts';
import type { PriceTable } from './types.ts';
import { checkTimeOrder } from './validate.ts';

const TIME_NAMES = new Set(['timestamp', 'date', 'time', 'datetime']);
const ASSET_NAMES = new Set(['asset', 'symbol']);
const CLOSE_NAMES = new Set(['close', 'price']);

/** Column positions of a long header, or undefined when the header is not a long one. */
export function longHeaderColumns(
  header: readonly string[],
): { time: number; asset: number; close: number } | undefined {
  if (header.length !== 3) return undefined;
  const lower = header.map((h) => h.toLowerCase());
  const time = lower.findIndex((h) => TIME_NAMES.has(h));
  const asset = lower.findIndex((h) => ASSET_NAMES.has(h));
  const close = lower.findIndex((h) => CLOSE_NAMES.has(h));
  return time < 0 || asset < 0 || close < 0 ? undefined : { time, asset, close };
}

interface Series {
  times: number[];
  closes: number[];
  lastLine: number;
}

export function parseLongCsv(text: string, file: string): PriceTable {
  const reader = new LineReader(text);
  const header = splitCells(cleanLine(reader.next() ?? ''));
  const cols = typeof header === 'string' ? undefined : longHeaderColumns(header);
  if (cols === undefined) throw new PriceDataError(file, 1, 'header must be timestamp,asset,close');
  const byAsset = new Map<string, Series>();
  for (let raw = reader.next(); raw !== null; raw = reader.next()) {
    const line = cleanLine(raw);
    if (line === '') continue;
    const lineNo = reader.lineNo;
    const cells = splitCells(line);
    if (typeof cells === 'string') throw new PriceDataError(file, lineNo, cells);
    if (cells.length !== 3)
      throw new PriceDataError(file, lineNo, `expected 3 cells (timestamp,asset,close), found ${cells.length}`);
    const t = parseTime(cells[cols.time]);
    if (Number.isNaN(t)) {
      throw new PriceDataError(
        file,
        lineNo,
        `"${cells[cols.time]}" is not a date (expected YYYY-MM-DD or an ISO timestamp)`,
      );
    }
    const asset = cells[cols.asset];
    if (asset === '') throw new PriceDataError(file, lineNo, 'empty asset name');
    const v = parsePrice(cells[cols.close]);
    if (typeof v === 'string') throw new PriceDataError(file, lineNo, `${asset}: ${v}`);
    if (Number.isNaN(v))
      throw new PriceDataError(file, lineNo, `${asset}: empty close (omit the row when there is no price)`);
    let s = byAsset.get(asset);
    if (s === undefined) {
      s = { times: [], closes: [], lastLine: 0 };
      byAsset.set(asset, s);
    } else {
      checkTimeOrder(
        file,
        lineNo,
        t,
        s.times[s.times.length - 1],
        s.lastLine,
        `each asset's rows must be sorted by time; asset ${asset}`,
      );
    }
    s.times.push(t);
    s.closes.push(v);
    s.lastLine = lineNo;
  }
  if (byAsset.size === 0) throw new PriceDataError(file, undefined, 'no price rows after the header');
  return { ...mergeSeries(byAsset), source: { file } };
}

function mergeSeries(byAsset: Map<string, Series>): PriceTable {
  const all = new Set<number>();
  for (const s of byAsset.values()) for (const t of s.times) all.add(t);
  const times = Float64Array.from(all).sort();
  const assets = [...byAsset.keys()];
  const closes = assets.map((a) => {
    const s = byAsset.get(a) as Series;
    const col = new Float64Array(times.length).fill(Number.NaN);
    let j = 0;
    for (let k = 0; k < s.times.length; k++) {
      while (times[j] < s.times[k]) j++;
      col[j] = s.closes[k];
    }
    return col;
  });
  return { assets, times, closes };
}
