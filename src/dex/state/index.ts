/**
 * Pool state from chain → SwapPools for the router: one multicall per block (read.ts), then createPool
 * from the exact pool math (src/dex/pools).
 */
import { createPool, PoolMathError } from '../pools/index.ts';
import type { PoolState, SwapPool } from '../pools/types.ts';

export { type PoolRef, type PoolSnapshot, readPoolStates, StateReadError, type StateReaderConfig } from './read.ts';
export { readV4PoolStates, type V4PoolRef, type V4ReaderConfig } from './read-v4.ts';
export { type V4Key, v4PoolId } from './v4-slots.ts';

export interface BuiltPools {
  readonly pools: readonly SwapPool[];
  /** States whose pool type the math does not support (yet), with the reason. */
  readonly skipped: readonly { readonly address: string; readonly kind: string; readonly reason: string }[];
}

/**
 * createPool for every state. A pool kind the math rejects is skipped and reported (a quote over the
 * remaining pools is still valid, only possibly not the best); any other error is thrown.
 */
export function buildSwapPools(states: readonly PoolState[]): BuiltPools {
  const pools: SwapPool[] = [];
  const skipped: { address: string; kind: string; reason: string }[] = [];
  for (const s of states) {
    try {
      pools.push(createPool(s));
    } catch (e) {
      if (e instanceof PoolMathError && e.code === 'BAD_STATE' && /not implemented/.test(e.message)) {
        skipped.push({ address: s.address, kind: s.kind, reason: e.message });
      } else {
        throw e;
      }
    }
  }
  return { pools, skipped };
}
