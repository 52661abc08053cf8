import { InputError, type InputIssue } from './errors.ts';
import type { Universe } from './universe.ts';

/** Validated holdings and prices, in universe order. The quote's price is exactly 1. */
export interface Snapshot {
  readonly qty: Float64Array;
  readonly prices: Float64Array;
}

export interface SnapshotSources {
  readonly balances: string;
  readonly prices: string;
}

/** Why a price cannot be used, in words a user can act on. */
function badPrice(v: unknown): string {
  if (typeof v !== 'number') return `price ${shown(v)} is not a number`;
  if (Number.isNaN(v)) return 'price NaN is not a number';
  if (!Number.isFinite(v)) return `price is not finite (${v > 0 ? '' : '-'}Infinity: a number too large, e.g. 1e999)`;
  return `price ${v} must be > 0`;
}

/** A value as the user wrote it: Infinity (JSON's 1e999) is "not finite", never JSON's `null`. */
function shown(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? String(v) : `${v} (not finite)`;
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/**
 * Validates balances (asset → quantity) and prices (asset → price in the quote) against a universe.
 * Every problem is reported at once, each naming its source and asset; nothing is guessed:
 * a held or targeted asset without a usable price is an error, and so is a held asset outside the
 * portfolio unless it is ignored. Prices for other assets are ignored.
 */
export function makeSnapshot(
  u: Universe,
  ignore: readonly string[],
  balances: Readonly<Record<string, unknown>>,
  prices: Readonly<Record<string, unknown>>,
  sources: SnapshotSources = { balances: 'balances', prices: 'prices' },
): Snapshot {
  const qty = new Float64Array(u.n);
  const px = new Float64Array(u.n);
  const bIssues: InputIssue[] = [];
  const pIssues: InputIssue[] = [];
  const ignored = new Set(ignore);
  for (const [asset, v] of Object.entries(balances)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      bIssues.push({ path: asset, message: `quantity ${shown(v)} is not a finite number` });
      continue;
    }
    if (v < 0) {
      bIssues.push({ path: asset, message: `quantity ${v} is negative, expected ≥ 0` });
      continue;
    }
    const i = u.index.get(asset);
    if (i === undefined) {
      if (v > 0 && !ignored.has(asset)) {
        bIssues.push({ path: asset, message: `held but not in the target; add it to the target or to \`ignore\`` });
      }
      continue;
    }
    qty[i] = v;
  }
  for (let i = 0; i < u.n; i++) {
    const asset = u.assets[i]!;
    const v = prices[asset];
    if (i === u.quoteIndex) {
      if (v !== undefined && v !== 1) {
        pIssues.push({ path: asset, message: `the quote's price is 1 by definition, got ${shown(v)}` });
      }
      px[i] = 1;
      continue;
    }
    if (v === undefined) {
      pIssues.push({ path: asset, message: `missing price for ${qty[i]! > 0 ? 'held' : 'targeted'} asset ${asset}` });
    } else if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      pIssues.push({ path: asset, message: badPrice(v) });
    } else {
      px[i] = v;
    }
  }
  if (bIssues.length > 0 || pIssues.length > 0) {
    const lines = [...InputError.lines(sources.balances, bIssues), ...InputError.lines(sources.prices, pIssues)];
    const err = new InputError(bIssues.length > 0 ? sources.balances : sources.prices, [...bIssues, ...pIssues]);
    err.message = lines.join('\n');
    throw err;
  }
  return { qty, prices: px };
}
