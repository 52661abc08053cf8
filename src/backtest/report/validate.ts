/** Checks a ReportInput before drawing it, so a wrong shape fails loudly instead of drawing nonsense. */

import { BallastError, type Next } from '../../core/errors.ts';
import type { ReportInput, ReportSweep } from './types.ts';

export class ReportInputError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'ReportInputError';
}

export function validateReportInput(input: ReportInput): void {
  const T = input.times.length;
  if (T === 0) throw new ReportInputError('times is empty: the report needs at least one bar');
  for (let t = 1; t < T; t++) {
    if (!(input.times[t] > input.times[t - 1]))
      throw new ReportInputError(`times must be strictly increasing (bar ${t})`);
  }
  if (input.runs.length === 0) throw new ReportInputError('runs is empty: give at least the HODL run');
  const names = new Set<string>();
  for (const r of input.runs) {
    if (names.has(r.strategy))
      throw new ReportInputError(`strategy "${r.strategy}" appears twice in runs; names must be unique`);
    names.add(r.strategy);
    if (r.equity.length !== T) {
      throw new ReportInputError(
        `run "${r.strategy}": equity has ${r.equity.length} values, expected ${T} (one per bar)`,
      );
    }
    const cols = (r.assets ?? input.assets).length;
    if (r.weights && r.weights.length !== T * cols) {
      throw new ReportInputError(
        `run "${r.strategy}": weights has ${r.weights.length} values, expected ${T} bars × ${cols} assets = ${T * cols}`,
      );
    }
    for (const b of r.rebalanceBars) {
      if (!(Number.isInteger(b) && b >= 0 && b < T))
        throw new ReportInputError(`run "${r.strategy}": rebalance bar ${b} is not a bar index in 0…${T - 1}`);
    }
  }
  if (!names.has(input.hodlStrategy)) {
    throw new ReportInputError(`hodlStrategy "${input.hodlStrategy}" is not among the runs (${[...names].join(', ')})`);
  }
  sweepsOf(input).forEach((s, k) => {
    const at = Array.isArray(input.sweep) ? `sweep[${k}]` : 'sweep';
    if (s.x.length === 0 || s.y.length === 0) throw new ReportInputError(`${at} needs at least one x and one y value`);
    if (s.z.length !== s.y.length) {
      throw new ReportInputError(`${at}.z has ${s.z.length} rows, expected ${s.y.length} (one per y value)`);
    }
    s.z.forEach((row, yi) => {
      if (row.length !== s.x.length) {
        throw new ReportInputError(`${at}.z[${yi}] has ${row.length} values, expected ${s.x.length} (one per x value)`);
      }
    });
  });
}

/** The sweep views of an input, as a list (none, one, or several). */
export function sweepsOf(input: ReportInput): readonly ReportSweep[] {
  const s = input.sweep;
  if (s === undefined) return [];
  return Array.isArray(s) ? s : [s as ReportSweep];
}
