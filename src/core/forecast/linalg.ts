/**
 * Small dense linear algebra for the fits (row-major k × k matrices, k ≤ 4): Gauss–Jordan inversion with
 * partial pivoting, and least squares by Householder QR.
 */

/** The inverse of the k × k matrix a (not modified), or null when it is singular. */
export function invert(a: Float64Array, k: number): Float64Array | null {
  const m = Float64Array.from(a);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]!) > Math.abs(m[p * k + c]!)) p = r;
    const piv = m[p * k + c]!;
    if (piv === 0 || !Number.isFinite(piv)) return null;
    if (p !== c) {
      swapRows(m, k, p, c);
      swapRows(inv, k, p, c);
    }
    for (let j = 0; j < k; j++) {
      m[c * k + j] = m[c * k + j]! / piv;
      inv[c * k + j] = inv[c * k + j]! / piv;
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r * k + c]!;
      if (f === 0) continue;
      for (let j = 0; j < k; j++) {
        m[r * k + j] = m[r * k + j]! - f * m[c * k + j]!;
        inv[r * k + j] = inv[r * k + j]! - f * inv[c * k + j]!;
      }
    }
  }
  return inv;
}

function swapRows(m: Float64Array, k: number, a: number, b: number): void {
  for (let j = 0; j < k; j++) {
    const t = m[a * k + j]!;
    m[a * k + j] = m[b * k + j]!;
    m[b * k + j] = t;
  }
}

/**
 * The x minimising ‖Ax − y‖₂ for a column-major m × k matrix A (column j at a[j·m…(j+1)·m)), by
 * Householder QR; A and y are overwritten. Null when A is rank-deficient.
 */
export function leastSquaresQR(a: Float64Array, y: Float64Array, m: number, k: number): Float64Array | null {
  for (let j = 0; j < k; j++) {
    const c = j * m;
    let norm = 0;
    for (let i = j; i < m; i++) norm = Math.hypot(norm, a[c + i]!);
    if (norm === 0) return null;
    const alpha = a[c + j]! > 0 ? -norm : norm;
    a[c + j] = a[c + j]! - alpha; // v = x − αe₁, kept in place of column j (rows j…m−1)
    let vv = 0;
    for (let i = j; i < m; i++) vv += a[c + i]! * a[c + i]!;
    for (let l = j + 1; l < k; l++) reflect(a, c, a, l * m, j, m, vv);
    reflect(a, c, y, 0, j, m, vv);
    a[c + j] = alpha; // R's diagonal; the rest of v is no longer needed
  }
  const x = new Float64Array(k);
  for (let j = k - 1; j >= 0; j--) {
    let s = y[j]!;
    for (let l = j + 1; l < k; l++) s -= a[l * m + j]! * x[l]!;
    x[j] = s / a[j * m + j]!;
  }
  return x;
}

/** w ← (I − 2vvᵀ/vᵀv)·w on rows j…m−1, v at v[vc + j…], w at w[wc + j…]. */
function reflect(v: Float64Array, vc: number, w: Float64Array, wc: number, j: number, m: number, vv: number): void {
  let d = 0;
  for (let i = j; i < m; i++) d += v[vc + i]! * w[wc + i]!;
  const f = (2 * d) / vv;
  for (let i = j; i < m; i++) w[wc + i] = w[wc + i]! - f * v[vc + i]!;
}
