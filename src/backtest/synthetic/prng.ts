/**
 * Seeded pseudo-random numbers for the synthetic markets: same seed, same series, on every machine.
 *
 * - Generator: xoshiro128** 1.0 (Blackman & Vigna, 2018), 128-bit state, 32-bit outputs, period 2^128 − 1.
 *   Pure 32-bit integer arithmetic (Math.imul, >>>), so it is exact and fast in JavaScript.
 * - Seeding: the integer seed is taken modulo 2^64 and expanded by SplitMix64 (two outputs, low word
 *   first) into the four state words, as the xoshiro authors recommend; any seed gives a non-zero state.
 * - Uniforms: 53-bit doubles in [0, 1) from two outputs: ((a >>> 5)·2^26 + (b >>> 6)) / 2^53.
 * - Normals: Box–Muller on u1 = 1 − uniform ∈ (0, 1] and u2 = uniform: r = √(−2 ln u1),
 *   z0 = r cos 2πu2 and then z1 = r sin 2πu2 (the second value is served by the next call).
 */
import { BallastError, type Next } from '../../core/errors.ts';

export class SeedError extends BallastError {
  static override readonly next: Next = 'fix-usage';
  override readonly name = 'SeedError';
}

const MASK64 = (1n << 64n) - 1n;

function splitMix64(state: { x: bigint }): bigint {
  state.x = (state.x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /** `seed`: any safe integer (negative seeds wrap modulo 2^64). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new SeedError(`seed must be a safe integer, got ${seed}`);
    const st = { x: BigInt.asUintN(64, BigInt(seed)) };
    const a = splitMix64(st);
    const b = splitMix64(st);
    this.s0 = Number(a & 0xffffffffn);
    this.s1 = Number(a >> 32n);
    this.s2 = Number(b & 0xffffffffn);
    this.s3 = Number(b >> 32n);
  }

  /** Builds a generator from a raw 128-bit state (four uint32 words, not all zero). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Xoshiro128 {
    if ((s0 | s1 | s2 | s3) === 0) throw new SeedError('xoshiro128** state must not be all zero');
    const g = new Xoshiro128(0);
    g.s0 = s0 >>> 0;
    g.s1 = s1 >>> 0;
    g.s2 = s2 >>> 0;
    g.s3 = s3 >>> 0;
    return g;
  }

  /** Next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal variate (Box–Muller, pairs cached). */
  nextNormal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.nextFloat()));
    const theta = 2 * Math.PI * this.nextFloat();
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }

  /** Fills `out` with standard normals: the same values, in order, as `out.length` calls of nextNormal. */
  fillNormal(out: Float64Array): void {
    for (let k = 0; k < out.length; k++) out[k] = this.nextNormal();
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
