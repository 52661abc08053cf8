/** Typed errors of the price data layer: what went wrong, where, and what to do about it. */
import { BallastError, type Next } from '../../core/errors.ts';

/** A price file that cannot be read as prices: names the file and, when known, the 1-based line. */
export class PriceDataError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'PriceDataError';
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, problem: string) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.file = file;
    this.line = line;
  }
}

/** A window or asset selection that the loaded prices cannot satisfy (missing asset, gap, empty window). */
export class PriceWindowError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'PriceWindowError';
  /** The asset the problem is about, when there is one. */
  readonly asset: string | undefined;
  /** The UTC date (YYYY-MM-DD) the problem is about, when there is one. */
  readonly date: string | undefined;

  constructor(message: string, detail: { asset?: string; date?: string } = {}) {
    super(message);
    this.asset = detail.asset;
    this.date = detail.date;
  }
}
