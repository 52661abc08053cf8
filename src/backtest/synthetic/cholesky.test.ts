import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CorrelationError, cholesky, correlationMatrix } from './cholesky.ts';

const names = (n: number) => Array.from({ length: n }, (_, i) => `A${i + 1}`);

describe('correlation matrix and Cholesky', () => {
  it('factors C = L·Lᵀ for valid constant correlations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.double({ min: 0, max: 0.99, noNaN: true }), (n, rho) => {
        const c = correlationMatrix(rho, names(n));
        const l = cholesky(c, names(n));
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let k = 0; k < n; k++) s += l[i * n + k] * l[j * n + k];
            assert.ok(Math.abs(s - c[i * n + j]) < 1e-12);
            if (j > i) assert.equal(l[i * n + j], 0);
          }
        }
      }),
    );
  });

  it('names the asset whose correlations make the matrix not positive definite', () => {
    const m = [
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ];
    assert.throws(
      () => cholesky(correlationMatrix(m, ['BTC', 'ETH', 'SOL']), ['BTC', 'ETH', 'SOL']),
      (e: unknown) => {
        assert.ok(e instanceof CorrelationError);
        assert.match(e.message, /not positive definite: pivot 2 \(SOL\)/);
        return true;
      },
    );
    assert.throws(() => cholesky(correlationMatrix(-0.6, names(3)), names(3)), /not positive definite/);
    assert.throws(() => cholesky(correlationMatrix(1, names(2)), names(2)), /not positive definite/);
  });

  it('rejects malformed matrices, naming the entry', () => {
    assert.throws(() => correlationMatrix(1.2, names(2)), /not in \[-1, 1\]/);
    assert.throws(() => correlationMatrix([[1, 0.5]], names(2)), /has 1 rows, expected 2/);
    assert.throws(
      () =>
        correlationMatrix(
          [
            [1, 0.5],
            [0.4, 1],
          ],
          names(2),
        ),
      /correlation\[0\]\[1\] \(A1, A2\) = 0.5 but correlation\[1\]\[0\] = 0.4/,
    );
    assert.throws(
      () =>
        correlationMatrix(
          [
            [0.9, 0],
            [0, 1],
          ],
          names(2),
        ),
      /diagonal must be 1/,
    );
    assert.throws(() => correlationMatrix([[1, 0], [0]], names(2)), /row 1 \(A2\) has 1 entries/);
  });
});
