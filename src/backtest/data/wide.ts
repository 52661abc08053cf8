/**
 * Wide price CSV: `date,ASSET1,ASSET2,...`, one row per bar, empty cell = no price that bar. The first
 * column is the bar's time (any header name); every other header cell is an asset name, taken as is.
 */
import { cleanLine, countLines, LineReader, parsePrice, splitCells } from './csv.ts';
import { parseTime } from './dates.ts';
import { PriceDataError } from './errors.ts';
import type { PriceTable } from './types.ts';
import { checkAssetNames, checkTimeOrder } from './validate.ts';

export function parseWideCsv(text: string, file: string): PriceTable {
  const reader = new LineReader(text);
  const header = splitCells(cleanLine(reader.next() ?? ''));
  if (typeof header === 'string') throw new PriceDataError(file, 1, `header: ${header}`);
  if (header.length < 2) {
    throw new PriceDataError(file, 1, 'header needs a date column and at least one asset column (date,BTC,ETH,...)');
  }
  const assets = header.slice(1);
  checkAssetNames(assets, file);
  const n = assets.length;
  const width = n + 1;

  let cap = Math.max(16, countLines(text));
  let times: Float64Array = new Float64Array(cap);
  let cols: Float64Array[] = assets.map(() => new Float64Array(cap));
  let rows = 0;
  let prevLine = 0;
  // The file line of each bar, for messages: bar b is on line b + 2 unless blank lines came before it;
  // only those jumps are kept ([bar, line] pairs), so a large file costs nothing extra.
  const jumps: number[] = [];
  for (let raw = reader.next(); raw !== null; raw = reader.next()) {
    const line = cleanLine(raw);
    if (line === '') continue;
    const lineNo = reader.lineNo;
    const quoted = line.includes('"');
    const cells = quoted ? splitCells(line) : undefined;
    if (typeof cells === 'string') throw new PriceDataError(file, lineNo, cells);
    // Fast path (no quotes): walk the commas instead of allocating a cell array per row.
    let end = quoted ? -1 : line.indexOf(',');
    const count = cells !== undefined ? cells.length : countCells(line);
    if (count !== width) {
      throw new PriceDataError(file, lineNo, `expected ${width} cells like the header, found ${count}`);
    }
    const dateCell = cells !== undefined ? cells[0] : line.slice(0, end);
    const t = parseTime(dateCell);
    if (Number.isNaN(t)) {
      throw new PriceDataError(
        file,
        lineNo,
        `"${dateCell.trim()}" is not a date (expected YYYY-MM-DD or an ISO timestamp)`,
      );
    }
    if (rows > 0) checkTimeOrder(file, lineNo, t, times[rows - 1], prevLine, 'rows must be sorted by date');
    if (rows === cap) {
      cap *= 2;
      times = grow(times, cap);
      cols = cols.map((c) => grow(c, cap));
    }
    times[rows] = t;
    for (let i = 0; i < n; i++) {
      let cell: string;
      if (cells !== undefined) cell = cells[i + 1];
      else {
        const start = end + 1;
        end = line.indexOf(',', start);
        cell = line.slice(start, end < 0 ? line.length : end);
      }
      const v = parsePrice(cell);
      if (typeof v === 'string') throw new PriceDataError(file, lineNo, `${assets[i]}: ${v}`);
      cols[i][rows] = v;
    }
    if (lineNo !== (rows === 0 ? 2 : prevLine + 1)) jumps.push(rows, lineNo);
    prevLine = lineNo;
    rows++;
  }
  if (rows === 0) throw new PriceDataError(file, undefined, 'no price rows after the header');
  // Views, not copies: the capacity was counted from the lines, so little is left unused.
  return {
    assets,
    times: times.subarray(0, rows),
    closes: cols.map((c) => c.subarray(0, rows)),
    source: { file, line: (bar) => lineOfBar(jumps, bar) },
  };
}

/** The file line of `bar` from the [bar, line] jumps (bar b is on line b + 2 before the first). */
function lineOfBar(jumps: readonly number[], bar: number): number {
  let line = bar + 2;
  for (let k = 0; k < jumps.length && jumps[k]! <= bar; k += 2) line = jumps[k + 1]! + (bar - jumps[k]!);
  return line;
}

function countCells(line: string): number {
  let count = 1;
  for (let i = line.indexOf(','); i >= 0; i = line.indexOf(',', i + 1)) count++;
  return count;
}

function grow(a: Float64Array, cap: number): Float64Array {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}
