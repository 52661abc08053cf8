/** fast-check generators of small markets for the router's property tests. */
import fc from 'fast-check';
import type { Address, SwapPool } from '../../pools/types.ts';
import { boundedPool, constantProductPool, tokenAddress } from './cp-pool.ts';

export const IN: Address = tokenAddress(0);
export const OUT: Address = tokenAddress(1);
export const HUB: Address = tokenAddress(2);

export interface PoolDraw {
  readonly side: 'direct' | 'first' | 'second';
  /** log10 of the input-side reserve (base units). */
  readonly depth: number;
  /** Price multiplier around 1 (output per input). */
  readonly price: number;
  readonly fee: 'v2' | 'none' | 'v3-5bp';
  /** Finite range: the output reserve actually present as a fraction of the virtual one (1 = unbounded). */
  readonly real: number;
  readonly gas: number;
}

export const poolDraw = (sides: readonly PoolDraw['side'][]): fc.Arbitrary<PoolDraw> =>
  fc.record({
    side: fc.constantFrom(...sides),
    depth: fc.double({ min: 18, max: 24, noNaN: true }),
    price: fc.double({ min: 0.5, max: 2, noNaN: true }),
    fee: fc.constantFrom('v2', 'none', 'v3-5bp'),
    real: fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 0.9, noNaN: true })),
    gas: fc.integer({ min: 60_000, max: 200_000 }),
  });

export function makePools(draws: readonly PoolDraw[]): SwapPool[] {
  return draws.map((d, i) => {
    const [t0, t1] = d.side === 'direct' ? [IN, OUT] : d.side === 'first' ? [IN, HUB] : [HUB, OUT];
    const r0 = BigInt(Math.floor(10 ** d.depth));
    const r1 = BigInt(Math.floor(10 ** d.depth * d.price));
    const [feeNum, feeDen] = d.fee === 'v2' ? [997n, 1000n] : d.fee === 'none' ? [1n, 1n] : [9995n, 10000n];
    const spec = { id: `p${i}`, token0: t0, token1: t1, reserve0: r0, reserve1: r1, feeNum, feeDen, gas: d.gas };
    if (d.real >= 1) return constantProductPool(spec);
    const realOut0 = BigInt(Math.floor(Number(r0) * d.real));
    const realOut1 = BigInt(Math.floor(Number(r1) * d.real));
    return boundedPool({ ...spec, realOut0, realOut1 });
  });
}
