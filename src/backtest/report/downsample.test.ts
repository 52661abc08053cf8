import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { minMaxIndices, strideIndices, thin } from './downsample.ts';

describe('downsampling', () => {
  it('min/max keeps ≤ max sorted indices, the ends, and the global extremes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 4, max: 500 }),
        (xs, max) => {
          const idx = minMaxIndices(xs, max);
          assert.ok(idx.length <= Math.max(max, xs.length <= max ? xs.length : 0));
          assert.equal(idx[0], 0);
          assert.equal(idx[idx.length - 1], xs.length - 1);
          for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1]);
          const kept = idx.map((i) => xs[i]);
          assert.equal(Math.min(...kept), Math.min(...xs));
          assert.equal(Math.max(...kept), Math.max(...xs));
        },
      ),
    );
  });

  it('stride keeps exactly max indices with both ends', () => {
    assert.deepEqual(strideIndices(5, 10), [0, 1, 2, 3, 4]);
    const s = strideIndices(100_000, 1000);
    assert.equal(s.length, 1000);
    assert.equal(s[0], 0);
    assert.equal(s[999], 99_999);
  });

  it('thin keeps at most max elements', () => {
    assert.deepEqual(thin([1, 2, 3], 5), [1, 2, 3]);
    assert.ok(
      thin(
        Array.from({ length: 5000 }, (_, i) => i),
        2000,
      ).length <= 2000,
    );
  });
});
