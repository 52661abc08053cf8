/** Checks shared by the wide and long loaders. */
import { formatTime } from './dates.ts';
import { PriceDataError } from './errors.ts';

/** Asset names must be non-empty and unique. */
export function checkAssetNames(assets: readonly string[], file: string): void {
  const seen = new Set<string>();
  for (let i = 0; i < assets.length; i++) {
    const a = assets[i];
    if (a === '') throw new PriceDataError(file, 1, `header cell ${i + 2} is empty: every column needs an asset name`);
    if (seen.has(a)) throw new PriceDataError(file, 1, `asset "${a}" appears twice in the header`);
    seen.add(a);
  }
}

/** Throws unless `t` is strictly after `prev` (the time on line `prevLine`). */
export function checkTimeOrder(
  file: string,
  line: number,
  t: number,
  prev: number,
  prevLine: number,
  rule: string,
): void {
  if (t > prev) return;
  if (t === prev) {
    throw new PriceDataError(
      file,
      line,
      `duplicate date ${formatTime(t)}, already on line ${prevLine} (${rule}, one row per date)`,
    );
  }
  throw new PriceDataError(file, line, `date ${formatTime(t)} is not after ${formatTime(prev)} (${rule})`);
}
