import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SeedError, Xoshiro128 } from './prng.ts';

describe('Xoshiro128 (xoshiro128**)', () => {
  it('matches the reference C implementation from state {1,2,3,4}', () => {
    const g = Xoshiro128.fromState(1, 2, 3, 4);
    // Outputs of the authors' xoshiro128starstar.c, compiled with gcc, from s = {1, 2, 3, 4}.
    assert.deepEqual(
      Array.from({ length: 6 }, () => g.nextUint32()),
      [11520, 0, 5927040, 70819200, 2031721883, 1637235492],
    );
  });

  it('matches the reference SplitMix64 seeding (seed 42)', () => {
    const g = new Xoshiro128(42);
    // Same C reference, state filled from splitmix64.c started at x = 42, low 32 bits first.
    assert.deepEqual(
      Array.from({ length: 4 }, () => g.nextUint32()),
      [1776835114, 4165204688, 17111135, 2317295270],
    );
  });

  it('same seed, same stream; different seeds, different streams', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (seed) => {
        const a = new Xoshiro128(seed);
        const b = new Xoshiro128(seed);
        const c = new Xoshiro128(seed + 1);
        const xs = Array.from({ length: 8 }, () => a.nextNormal());
        assert.deepEqual(
          xs,
          Array.from({ length: 8 }, () => b.nextNormal()),
        );
        assert.notDeepEqual(
          xs,
          Array.from({ length: 8 }, () => c.nextNormal()),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('uniforms lie in [0, 1) and normals have mean 0, variance 1, no skew (4 standard errors)', () => {
    const g = new Xoshiro128(7);
    const N = 200_000;
    let su = 0;
    for (let k = 0; k < N; k++) {
      const u = g.nextFloat();
      assert.ok(u >= 0 && u < 1);
      su += u;
    }
    assert.ok(Math.abs(su / N - 0.5) < 4 * Math.sqrt(1 / 12 / N));
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < N; k++) {
      const z = g.nextNormal();
      s1 += z;
      s2 += z * z;
      s3 += z * z * z;
    }
    assert.ok(Math.abs(s1 / N) < 4 / Math.sqrt(N), `mean ${s1 / N}`);
    assert.ok(Math.abs(s2 / N - 1) < 4 * Math.sqrt(2 / N), `variance ${s2 / N}`);
    assert.ok(Math.abs(s3 / N) < 4 * Math.sqrt(15 / N), `third moment ${s3 / N}`);
  });

  it('rejects seeds that are not safe integers and an all-zero state', () => {
    assert.throws(() => new Xoshiro128(1.5), SeedError);
    assert.throws(() => new Xoshiro128(2 ** 60), /safe integer/);
    assert.throws(() => Xoshiro128.fromState(0, 0, 0, 0), /all zero/);
  });
});
