/**
 * Minimal CSV reading for price files: one record per line (LF or CRLF), comma-separated, cells
 * trimmed, optional double quotes around a cell (`"BRK-B"`, `""` for a quote inside). A byte-order
 * mark is dropped. Quoted newlines are not supported: a price file never needs them.
 */

/** Splits a file into lines, dropping a leading BOM. Line `i` of the result is line `i + 1` of the file. */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.split('\n');
}

/**
 * The lines of a text one at a time (a BOM dropped), without an array of them: a 4.5-million-row file is
 * not held twice (issue #17 item 1). `lineNo` is the 1-based number of the line `next()` returned last.
 */
export class LineReader {
  private pos: number;
  lineNo = 0;
  constructor(private readonly text: string) {
    this.pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  }
  /** The next line without its `\n`, or null past the end (a final newline ends the last line). */
  next(): string | null {
    if (this.pos > this.text.length) return null;
    const end = this.text.indexOf('\n', this.pos);
    const stop = end < 0 ? this.text.length : end;
    const line = this.text.slice(this.pos, stop);
    this.pos = stop + 1;
    this.lineNo++;
    return line;
  }
}

/** How many lines `LineReader` will return (newlines + 1). */
export function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Removes a trailing `\r` and surrounding whitespace. */
export function cleanLine(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1).trim() : line.trim();
}

/** Splits one line into trimmed cells, or returns a string describing why it cannot be read. */
export function splitCells(line: string): string[] | string {
  if (!line.includes('"')) {
    const cells = line.split(',');
    for (let i = 0; i < cells.length; i++) cells[i] = cells[i].trim();
    return cells;
  }
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        if (i >= line.length) return 'unterminated quoted cell';
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += line[i++];
      }
      while (line[i] === ' ' || line[i] === '\t') i++;
      if (i < line.length && line[i] !== ',') return `unexpected text after a quoted cell at column ${i + 1}`;
      cells.push(cell);
    } else {
      const end = line.indexOf(',', i);
      const stop = end === -1 ? line.length : end;
      const cell = line.slice(i, stop).trim();
      if (cell.includes('"')) return `stray quote in cell "${cell}"`;
      cells.push(cell);
      i = stop;
    }
    i++;
  }
  return cells;
}

/** Reads a price cell (trimmed or not): NaN for an empty cell, the number for a positive finite one, else a problem string. */
export function parsePrice(raw: string): number | string {
  if (raw === '') return Number.NaN;
  const v = Number(raw); // Number() ignores surrounding whitespace; a blank cell reads as 0
  if (v > 0 && v < Number.POSITIVE_INFINITY) return v;
  const cell = raw.trim();
  if (cell === '') return Number.NaN;
  if (Number.isNaN(v)) return `"${cell}" is not a number`;
  if (!Number.isFinite(v)) return `price "${cell}" is not finite`;
  if (v <= 0) return `price ${cell} is not positive (prices must be > 0; leave the cell empty for no price)`;
  return v;
}
