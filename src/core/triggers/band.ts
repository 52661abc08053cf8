import type { Universe } from '../universe.ts';
import { rowAbsBreach, rowAbsBreachUniform, rowRelBreach, rowValue, uniformWidth } from './scan.ts';
import { pct, signedPct, type TriggerBar, type TriggerKernel } from './types.ts';

/**
 * Index of the first entry with |wᵢ − tᵢ| > bᵢ, or −1 (equality never fires). Weights are read from
 * w[offset + i], so a backtest can scan a row-major bars × n weights matrix without a view per bar.
 */
export function firstAbsBreach(w: Float64Array, t: Float64Array, b: Float64Array, offset = 0): number {
  for (let i = 0; i < t.length; i++) {
    const d = w[offset + i]! - t[i]!;
    if (d > b[i]! || -d > b[i]!) return i;
  }
  return -1;
}

/** Index of the first entry with |wᵢ − tᵢ|/tᵢ > rᵢ, or −1 (entries with rᵢ = ∞ are not tested); w read at offset. */
export function firstRelBreach(w: Float64Array, t: Float64Array, r: Float64Array, offset = 0): number {
  for (let i = 0; i < t.length; i++) {
    if (r[i] === Number.POSITIVE_INFINITY) continue;
    const d = (w[offset + i]! - t[i]!) / t[i]!;
    if (d > r[i]! || -d > r[i]!) return i;
  }
  return -1;
}

/**
 * TriggerKernel.scan of a band kernel (absolute, or relative with `relative`): it keeps no state. `width`
 * is uniformWidth(b) of an absolute band (NaN: the widths differ, or relative).
 */
function scanBand(
  P: Float64Array,
  qty: Float64Array,
  t: Float64Array,
  b: Float64Array,
  relative: boolean,
  width: number,
  from: number,
  to: number,
  values: Float64Array,
): number {
  const n = t.length;
  const uniform = !Number.isNaN(width);
  for (let k = from; k < to; k++) {
    const off = k * n;
    const v = rowValue(P, qty, off);
    values[k] = v;
    if (
      relative
        ? rowRelBreach(P, qty, off, v, t, b)
        : uniform
          ? rowAbsBreachUniform(P, qty, off, v, t, width)
          : rowAbsBreach(P, qty, off, v, t, b)
    )
      return k;
  }
  return to;
}

/** Per-entry widths: the default, overridden per asset. */
export function bandArray(
  u: Universe,
  band: number,
  overrides: Readonly<Record<string, number>> | undefined,
): Float64Array {
  const b = new Float64Array(u.n).fill(band);
  for (const [a, v] of Object.entries(overrides ?? {})) {
    const i = u.index.get(a);
    if (i !== undefined) b[i] = v;
  }
  return b;
}

function largest(w: Float64Array, t: Float64Array, scale: (i: number) => number): number {
  let j = 0;
  let best = -1;
  for (let i = 0; i < t.length; i++) {
    const x = Math.abs(w[i]! - t[i]!) / scale(i);
    if (x > best) {
      best = x;
      j = i;
    }
  }
  return j;
}

export function bandKernel(u: Universe, band: number, overrides?: Readonly<Record<string, number>>): TriggerKernel {
  const t = u.target;
  const b = bandArray(u, band, overrides);
  const width = uniformWidth(b);
  return {
    type: 'band',
    n: u.n,
    observe() {},
    stateless: true,
    check: (bar: TriggerBar) => firstAbsBreach(bar.w, t, b),
    scan: (P, _times, qty, from, to, values) => scanBand(P, qty, t, b, false, width, from, to, values),
    explain(r, bar) {
      const i = r >= 0 ? r : largest(bar.w, t, (k) => b[k]!);
      const a = u.assets[i]!;
      const s = `${a} weight ${pct(bar.w[i]!)} vs target ${pct(t[i]!)} (drift ${signedPct(bar.w[i]! - t[i]!)})`;
      return r >= 0 ? `band: ${s} exceeds band ${pct(b[i]!)}` : `within bands: largest drift ${s}, band ${pct(b[i]!)}`;
    },
    halfWidth: () => b,
    covariance: () => null,
    reset() {},
  };
}

export function relbandKernel(u: Universe, band: number, overrides?: Readonly<Record<string, number>>): TriggerKernel {
  const t = u.target;
  const r = bandArray(u, band, overrides);
  // An implicit (unlisted, zero-weight) quote has no relative drift; it is not tested.
  for (let i = 0; i < u.n; i++) if (t[i] === 0) r[i] = Number.POSITIVE_INFINITY;
  const hw = new Float64Array(u.n);
  return {
    type: 'relband',
    n: u.n,
    observe() {},
    stateless: true,
    check: (bar) => firstRelBreach(bar.w, t, r),
    scan: (P, _times, qty, from, to, values) => scanBand(P, qty, t, r, true, Number.NaN, from, to, values),
    explain(res, bar) {
      const i = res >= 0 ? res : largest(bar.w, t, (k) => (t[k]! > 0 ? t[k]! * r[k]! : Number.POSITIVE_INFINITY));
      const a = u.assets[i]!;
      const rel = (bar.w[i]! - t[i]!) / t[i]!;
      const s = `${a} weight ${pct(bar.w[i]!)} vs target ${pct(t[i]!)} (relative drift ${signedPct(rel)})`;
      return res >= 0
        ? `relband: ${s} exceeds ${pct(r[i]!)}`
        : `within relative bands: largest ${s}, band ${pct(r[i]!)}`;
    },
    halfWidth() {
      // computed on demand: dynamic targets rewrite t in place
      for (let i = 0; i < u.n; i++) hw[i] = r[i]! * t[i]!;
      return hw;
    },
    covariance: () => null,
    reset() {},
  };
}
