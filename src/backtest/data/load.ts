/** Reads a price CSV, telling the wide form (`date,BTC,ETH,...`) from the long one (`timestamp,asset,close`) by its header. */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { decodeText, unreadable } from '../../core/text.ts';
import { cleanLine, splitCells, splitLines } from './csv.ts';
import { PriceDataError } from './errors.ts';
import { longHeaderColumns, parseLongCsv } from './long.ts';
import type { PriceTable } from './types.ts';
import { parseWideCsv } from './wide.ts';

export type PriceCsvFormat = 'wide' | 'long';

/** The format a header line announces: long when it is exactly the three long columns, wide otherwise. */
export function detectFormat(text: string): PriceCsvFormat {
  const first = splitLines(text.slice(0, 4096))[0] ?? '';
  const header = splitCells(cleanLine(first));
  return typeof header !== 'string' && longHeaderColumns(header) !== undefined ? 'long' : 'wide';
}

/** Parses CSV text; `file` is only used to name the source in errors. */
export function parsePriceCsv(text: string, file = 'prices.csv'): PriceTable {
  if (text.trim() === '')
    throw new PriceDataError(file, undefined, 'the file is empty (expected a header such as date,BTC,ETH)');
  return detectFormat(text) === 'long' ? parseLongCsv(text, file) : parseWideCsv(text, file);
}

/** Reads and parses a price CSV file; errors name the file as given on the command line. */
export function loadPriceCsv(path: string): PriceTable {
  const table = parsePriceCsv(readPriceText(path, '--prices'), path);
  // V8 keeps the subject of the last successful RegExp match (RegExp.lastMatch): a date cell sliced from
  // the file's text, which keeps the whole text alive (200 MB for a 4.5-million-row file). One match on an
  // empty string lets it go.
  /^/.exec('');
  return table;
}

/**
 * The text of a data file named by `flag`; a missing, unreadable or binary file is a PriceDataError. Only
 * the first 64 KiB are checked for binary content, so a large file is read once, as text.
 */
export function readPriceText(path: string, flag: string): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(65_536);
      const r = decodeText(head.subarray(0, readSync(fd, head, 0, head.length, 0)), true);
      if (!r.ok)
        throw new PriceDataError(
          path,
          undefined,
          `${fstatSync(fd).size} bytes of binary data, not text (expected UTF-8)`,
        );
    } finally {
      closeSync(fd);
    }
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof PriceDataError) throw e;
    throw new PriceDataError(
      path,
      undefined,
      `${unreadable((e as NodeJS.ErrnoException).code)}; check the ${flag} path`,
    );
  }
}
