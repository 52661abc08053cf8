/**
 * Fixed-point amounts for the simulator: bigint in units of 1e-8, the precision Binance reports balances,
 * prices and quantities in. Exact arithmetic keeps "initial balances + fills − fees = final balances"
 * an equality, not an approximation (issue #6 §4).
 */
import { BallastError } from '../../core/errors.ts';

export const SCALE = 100_000_000n;
const DECIMALS = 8;

/** Parses a decimal string (or a finite number) into 1e-8 units; null when malformed or finer than 1e-8. */
export function parseUnits(value: string | number): bigint | null {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > DECIMALS) return null;
  const units = BigInt(m[2] === '' ? '0' : m[2]) * SCALE + BigInt(frac.padEnd(DECIMALS, '0') || '0');
  return m[1] === '-' ? -units : units;
}

/** Like parseUnits but throws with the field name: for configuration, which must be exact. */
export function units(value: string | number, field: string): bigint {
  const v = parseUnits(value);
  if (v === null)
    throw new BallastError(`${field}: "${value}" is not a decimal with at most 8 fractional digits`, {
      next: 'fix-input',
    });
  return v;
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) return 'NaN';
  return n.toFixed(DECIMALS + 4).replace(/\.?0+$/, '');
}

/** Formats 1e-8 units as Binance does: always 8 fractional digits ("0.12345000"). */
export function formatUnits(v: bigint): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const whole = abs / SCALE;
  const frac = (abs % SCALE).toString().padStart(DECIMALS, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** a × b, truncated toward zero to 1e-8. */
export function mul(a: bigint, b: bigint): bigint {
  return (a * b) / SCALE;
}

/** a ÷ b, truncated toward zero to 1e-8. */
export function div(a: bigint, b: bigint): bigint {
  return (a * SCALE) / b;
}

/** a × bps / 10 000, truncated to 1e-8 (fees: the venue never charges a fraction of a unit more). */
export function bpsOf(a: bigint, bps: number): bigint {
  return (a * BigInt(Math.round(bps * 1000))) / 10_000_000n;
}

/** Floors `v` to a multiple of `step` (step > 0). */
export function floorTo(v: bigint, step: bigint): bigint {
  return step > 0n ? (v / step) * step : v;
}

/** Rounds `v` to the nearest multiple of `step` (half up). */
export function roundTo(v: bigint, step: bigint): bigint {
  return step > 0n ? ((v + step / 2n) / step) * step : v;
}

export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function toNumber(v: bigint): number {
  return Number(formatUnits(v));
}
