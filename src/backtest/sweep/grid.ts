import { type TriggerConfig, triggerSchema } from '../../core/config/trigger-schema.ts';
import { BallastError } from '../../core/errors.ts';
import type { StrategySpec } from '../engine/types.ts';

/** One point of a sweep: a strategy at one fee level, with its coordinates for tables and heatmaps. */
export interface SweepConfig {
  readonly spec: StrategySpec;
  readonly feeBps: number;
  /** Trigger family label (`band`, `relband`, `vol-1`, `vol+1`, `hybrid:month`, `calendar`). */
  readonly family: string;
  /** Band width (or base band) in weight units; NaN for calendar. */
  readonly width: number;
}

export interface GridSpec {
  /** Families: band, relband, vol:<exponent>, hybrid:<period>, calendar:<period>. */
  readonly families: readonly string[];
  readonly widths: readonly number[];
  readonly fees: readonly number[];
}

/** n values log-spaced from a to b inclusive. */
export function logSpace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, k) => a * (b / a) ** (k / (n - 1)));
}

/** n values evenly spaced from a to b inclusive. */
export function linSpace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  return Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));
}

/** The issue's benchmark grid: 100 widths 0.5–50% × 5 families × 20 fees 0–47.5 bps = 10,000. */
export const BENCH_GRID: GridSpec = {
  families: ['band', 'relband', 'vol:-1', 'vol:1', 'hybrid:month'],
  widths: logSpace(0.005, 0.5, 100),
  fees: linSpace(0, 47.5, 20),
};

/** A family's trigger at one width, checked by the portfolio schema (a bad exponent or period is refused). */
export function checkedTrigger(family: string, width: number): TriggerConfig {
  const t = rawTrigger(family, width);
  const r = triggerSchema.safeParse(t);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new BallastError(
      `sweep family ${JSON.stringify(family)}: ${i.path.join('.')}: ${i.message.replace(/^Invalid input: /, '')}`,
      { next: 'fix-usage' },
    );
  }
  return r.data;
}

function rawTrigger(family: string, width: number): TriggerConfig {
  const [kind, arg] = family.split(':');
  switch (kind) {
    case 'band':
      return { type: 'band', band: width };
    case 'relband':
      return { type: 'relband', band: width };
    case 'vol':
      return {
        type: 'voladaptive',
        base: width,
        exponent: Number(arg ?? -1),
        lambda: 0.94,
        warmup: 20,
        min: 0,
        max: 1,
      };
    case 'hybrid':
      return { type: 'hybrid', period: (arg ?? 'month') as 'month', band: width };
    case 'calendar':
      return { type: 'calendar', period: (arg ?? 'month') as 'month' };
    default:
      throw new BallastError(
        `unknown sweep family ${JSON.stringify(family)} (band, relband, vol:<exponent>, hybrid:<period>, calendar:<period>)`,
        { next: 'fix-usage' },
      );
  }
}

/** Every combination; calendar families ignore widths (one point per fee). */
export function buildGrid(g: GridSpec): SweepConfig[] {
  const out: SweepConfig[] = [];
  for (const w of g.widths)
    if (!(w > 0 && Number.isFinite(w)))
      throw new BallastError(`sweep widths must be positive numbers, got ${w}`, { next: 'fix-usage' });
  for (const family of g.families) {
    const widths = family.startsWith('calendar') ? [Number.NaN] : g.widths;
    // The schema checks each family once (its exponent or period); the widths are checked above.
    checkedTrigger(family, widths[0] ?? 0.05);
    for (const width of widths) {
      const name = family.startsWith('calendar') ? family : `${family}@${+width.toPrecision(6)}`;
      // One strategy object per width, shared by its fee levels (a sweep sends each distinct one once).
      const spec: StrategySpec = { name, trigger: rawTrigger(family, width), mode: 'full', targets: { kind: 'fixed' } };
      for (const feeBps of g.fees) out.push({ spec, feeBps, family, width });
    }
  }
  return out;
}
