import type { Universe } from '../core/universe.ts';
import { parseTime } from './data/dates.ts';
import { PriceDataError } from './data/errors.ts';
import { readPriceText } from './data/load.ts';
import type { TargetRule } from './engine/types.ts';

/**
 * Reads user target weights `date,asset,weight` (one row per asset and date; each date's weights must
 * cover only universe assets and sum to 1 within 1e-9). The latest date ≤ a rebalance bar applies.
 */
export function loadWeightSchedule(path: string, u: Universe): TargetRule & { kind: 'file' } {
  const lines = readPriceText(path, '--weights').split(/\r?\n/);
  const byTime = new Map<number, Float64Array>();
  lines.forEach((raw, k) => {
    const line = raw.trim();
    if (line === '' || (k === 0 && /^date\s*,/i.test(line))) return;
    const [d, a, w] = line.split(',').map((s) => s.trim());
    const time = parseTime(d ?? '');
    if (!Number.isFinite(time))
      throw new PriceDataError(path, k + 1, `date ${JSON.stringify(d)} is not YYYY-MM-DD or ISO`);
    const i = u.index.get(a ?? '');
    if (i === undefined)
      throw new PriceDataError(path, k + 1, `asset ${JSON.stringify(a)} is not in the target (${u.assets.join(', ')})`);
    const x = Number(w);
    if (!Number.isFinite(x) || x < 0 || x > 1)
      throw new PriceDataError(path, k + 1, `weight ${JSON.stringify(w)} is not in [0, 1]`);
    const row = byTime.get(time) ?? new Float64Array(u.n);
    byTime.set(time, row);
    row[i] = x;
  });
  const times = [...byTime.keys()].sort((x, y) => x - y);
  for (const t of times) {
    const s = byTime.get(t)!.reduce((acc, x) => acc + x, 0);
    if (Math.abs(s - 1) > 1e-9) {
      throw new PriceDataError(
        path,
        undefined,
        `weights on ${new Date(t).toISOString().slice(0, 10)} sum to ${s}, expected 1`,
      );
    }
  }
  return {
    kind: 'file',
    path,
    schedule: { times: Float64Array.from(times), weights: times.map((t) => byTime.get(t)!) },
  };
}
