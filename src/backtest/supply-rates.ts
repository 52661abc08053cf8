/**
 * `--supply-rate` (issue #22 item 3): the idle sleeve's supply rates, APR as fractions (0.05 = 5% a year),
 * either inline, `USD=0.05,ETH=0.02`, or a CSV file `date,ASSET,…` (one APR per asset per row; the latest row
 * at or before a bar applies, the first row before it). Assets must be in the target or be the cash.
 */
import { BallastError } from '../core/errors.ts';
import type { Universe } from '../core/universe.ts';
import { parseTime } from './data/dates.ts';
import { PriceDataError } from './data/errors.ts';
import { readPriceText } from './data/load.ts';
import type { IdleYield, RatePath } from './engine/yield.ts';

const MAX_APR = 10;

const usage = (message: string) => new BallastError(message, { next: 'fix-usage' });

function apr(raw: string, where: (m: string) => BallastError): number {
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x) || x < 0 || x > MAX_APR)
    throw where(`rate ${JSON.stringify(raw)} is not an APR in [0, ${MAX_APR}] (0.05 = 5% a year)`);
  return x;
}

function inUniverse(asset: string, u: Universe, where: (m: string) => BallastError): void {
  if (!u.index.has(asset)) throw where(`asset ${JSON.stringify(asset)} is not in the target (${u.assets.join(', ')})`);
}

function fromCsv(path: string, u: Universe): Map<string, RatePath> {
  const lines = readPriceText(path, '--supply-rate')
    .split(/\r?\n/)
    .map((l) => l.trim());
  const header = (lines[0] ?? '').split(',').map((s) => s.trim());
  if (!/^(date|time|timestamp)$/i.test(header[0] ?? '') || header.length < 2)
    throw new PriceDataError(path, 1, 'expected a header date,ASSET,… (APR per asset)');
  const assets = header.slice(1);
  for (const a of assets) inUniverse(a, u, (m) => new PriceDataError(path, 1, m));
  const times: number[] = [];
  const cols: number[][] = assets.map(() => []);
  lines.forEach((line, k) => {
    if (k === 0 || line === '') return;
    const cells = line.split(',').map((s) => s.trim());
    const at = (m: string) => new PriceDataError(path, k + 1, m);
    const time = parseTime(cells[0] ?? '');
    if (!Number.isFinite(time)) throw at(`date ${JSON.stringify(cells[0])} is not YYYY-MM-DD or ISO`);
    if (times.length > 0 && time <= times[times.length - 1]!) throw at('dates must increase');
    if (cells.length !== header.length) throw at(`${cells.length} cells, the header has ${header.length}`);
    times.push(time);
    for (const [i] of assets.entries()) cols[i]!.push(apr(cells[i + 1]!, at));
  });
  if (times.length === 0) throw new PriceDataError(path, undefined, 'no rows of rates');
  return new Map(
    assets.map((a, i) => [a, { times: Float64Array.from(times), rates: Float64Array.from(cols[i]!) }] as const),
  );
}

function inline(spec: string, u: Universe): Map<string, RatePath> {
  const rates = new Map<string, RatePath>();
  for (const part of spec.split(',').filter((x) => x.trim() !== '')) {
    const [a, r] = part.split('=').map((x) => x.trim());
    const where = (m: string) => usage(`--supply-rate: ${m}`);
    if (!a || r === undefined) throw where(`${JSON.stringify(part)} is not ASSET=APR (e.g. USD=0.05,ETH=0.02)`);
    inUniverse(a, u, where);
    if (rates.has(a)) throw where(`duplicate asset ${a}: list each asset once`);
    rates.set(a, apr(r, where));
  }
  if (rates.size === 0) throw usage('--supply-rate: no ASSET=APR given');
  return rates;
}

/** The idle yield of `--idle-share` and `--supply-rate` (both or neither: one alone is a usage error). */
export function parseIdleYield(
  share: number | undefined,
  spec: string | undefined,
  u: Universe,
): IdleYield | undefined {
  if (share === undefined && spec === undefined) return undefined;
  if (spec === undefined) throw usage('--idle-share needs --supply-rate (ASSET=APR,… or a CSV file)');
  if (share === undefined) throw usage('--supply-rate needs --idle-share (the fraction supplied, 0–1)');
  if (!(share >= 0 && share <= 1)) throw usage(`--idle-share: ${share} is not in [0, 1]`);
  const rates = /\.csv$/i.test(spec.trim()) ? fromCsv(spec.trim(), u) : inline(spec, u);
  return { share, rates };
}
