/**
 * Numbers and URLs from the command line, checked before any work (issue #16 items 4–6). Every error is a
 * usage error (exit 2) that names the flag and says what it must be, in words (`must be > 0`).
 */
import { MAX_FEE_BPS } from '../core/config/fee-limit.ts';
import { UsageError } from './io.ts';

const shown = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

function finite(flag: string, v: string): number {
  const x = v.trim() === '' ? Number.NaN : Number(v);
  if (!Number.isFinite(x)) throw new UsageError(`${flag}: expected a finite number, got ${shown(v)}`);
  return x;
}

/** A finite number > 0. */
export function positive(flag: string, v: string): number {
  const x = finite(flag, v);
  if (!(x > 0)) throw new UsageError(`${flag}: must be > 0, got ${shown(v)}`);
  return x;
}

/** A finite number ≥ 0. */
export function nonNegative(flag: string, v: string): number {
  const x = finite(flag, v);
  if (x < 0) throw new UsageError(`${flag}: must be ≥ 0, got ${shown(v)}`);
  return x;
}

/** A finite number in [0, 1]. */
export function fraction(flag: string, v: string): number {
  const x = finite(flag, v);
  if (x < 0 || x > 1) throw new UsageError(`${flag}: must be in [0, 1], got ${shown(v)}`);
  return x;
}

/** A whole number in [min, max]. */
export function whole(flag: string, v: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const x = v.trim() === '' ? Number.NaN : Number(v);
  if (!Number.isInteger(x) || x < min || x > max)
    throw new UsageError(
      `${flag}: expected a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}, got ${shown(v)}`,
    );
  return x;
}

/** A fee in bps: ≥ 0, and at most MAX_FEE_BPS unless high fees are allowed. */
export function feeBps(flag: string, v: string, allowHigh: boolean): number {
  const x = nonNegative(flag, v);
  checkFee(flag, x, allowHigh);
  return x;
}

export function checkFee(flag: string, bps: number, allowHigh: boolean): void {
  if (bps > MAX_FEE_BPS && !allowHigh)
    throw new UsageError(
      `${flag}: ${bps} bps is more than ${MAX_FEE_BPS} bps (10%) per trade, likely a typo; pass --allow-high-fees if you mean it`,
    );
}

/** `--jump-warn`: 0 (off) or a factor > 1. */
export function jumpFactor(flag: string, v: string): number {
  const x = nonNegative(flag, v);
  if (x !== 0 && !(x > 1)) throw new UsageError(`${flag}: expected 0 (off) or a factor > 1 (e.g. 5), got ${shown(v)}`);
  return x;
}

/** An http(s) URL. */
export function httpUrl(flag: string, v: string): string {
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
    throw new UsageError(`${flag}: ${shown(v)} is not an http(s) URL (e.g. http://127.0.0.1:8545)`);
  return v;
}
