/**
 * Correlation matrices for the synthetic markets: validation and Cholesky factorisation.
 * Correlated shocks are e = L·z with z iid standard normals and C = L·Lᵀ, so C must be symmetric,
 * have a unit diagonal, entries in [−1, 1], and be positive definite (ρ = 1 between two assets is not:
 * use one asset instead).
 */
import { BallastError, type Next } from '../../core/errors.ts';

export class CorrelationError extends BallastError {
  static override readonly next: Next = 'fix-input';
  override readonly name = 'CorrelationError';
}

/** A constant correlation ρ between every pair, or a full n×n matrix (rows of numbers). */
export type CorrelationSpec = number | readonly (readonly number[])[];

/** Builds and checks the n×n correlation matrix (row-major) that `spec` describes. */
export function correlationMatrix(spec: CorrelationSpec, names: readonly string[]): Float64Array {
  const n = names.length;
  const c = new Float64Array(n * n);
  if (typeof spec === 'number') {
    if (!(spec >= -1 && spec <= 1)) throw new CorrelationError(`correlation ${spec} is not in [-1, 1]`);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[i * n + j] = i === j ? 1 : spec;
    return c;
  }
  if (spec.length !== n)
    throw new CorrelationError(`correlation matrix has ${spec.length} rows, expected ${n} (one per asset)`);
  for (let i = 0; i < n; i++) {
    const row = spec[i];
    if (row.length !== n)
      throw new CorrelationError(`correlation matrix row ${i} (${names[i]}) has ${row.length} entries, expected ${n}`);
    for (let j = 0; j < n; j++) {
      const v = row[j];
      const where = `correlation[${i}][${j}] (${names[i]}, ${names[j]})`;
      if (!(v >= -1 && v <= 1)) throw new CorrelationError(`${where} = ${v} is not in [-1, 1]`);
      if (i === j && v !== 1) throw new CorrelationError(`${where} = ${v}: the diagonal must be 1`);
      if (Math.abs(v - spec[j][i]) > 1e-12)
        throw new CorrelationError(
          `${where} = ${v} but correlation[${j}][${i}] = ${spec[j][i]}: the matrix must be symmetric`,
        );
      c[i * n + j] = v;
    }
  }
  return c;
}

/**
 * Lower-triangular L (row-major n×n) with C = L·Lᵀ. Throws a CorrelationError naming the first asset
 * whose pivot is not positive, i.e. whose correlations with the earlier assets are inconsistent.
 */
export function cholesky(c: Float64Array, names: readonly string[]): Float64Array {
  const n = names.length;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = c[i * n + j];
      for (let k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(sum > 1e-12)) {
          throw new CorrelationError(
            `correlation matrix is not positive definite: pivot ${i} (${names[i]}) is ${sum.toPrecision(3)} ≤ 0; ` +
              `its correlations with ${names.slice(0, i).join(', ')} cannot hold together (a constant ρ must exceed ${(-1 / Math.max(1, n - 1)).toFixed(4)} and be < 1)`,
          );
        }
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / l[j * n + j];
      }
    }
  }
  return l;
}
