/**
 * Reads hook-less Uniswap v4 pools from the PoolManager with `extsload` (StateLibrary's slot layout, v4-slots.ts),
 * in two eth_calls for all pools, both pinned to one block: (1) per pool slot0, liquidity and every tick-bitmap
 * word; (2) liquidityNet of every initialized tick found. A pool with a protocol fee, hooks or an uninitialized
 * price is refused: the swap math would not match it.
 */
import type { Hex, PublicClient } from 'viem';
import { parseAbi } from 'viem';
import type { Address, V4State } from '../pools/types.ts';
import { StateReadError } from './read.ts';
import {
  bitmapSlot,
  bitmapWordRange,
  decodeLiquidity,
  decodeLiquidityNet,
  decodeSlot0,
  liquiditySlot,
  slot0Slot,
  tickSlot,
  ticksOfWord,
  type V4Key,
  v4PoolId,
} from './v4-slots.ts';

const extsloadAbi = parseAbi(['function extsload(bytes32[] slots) view returns (bytes32[])']);

/** A v4 pool by its PoolKey (a FixtureV4Pool satisfies it). */
export interface V4PoolRef {
  readonly tokens: readonly [Address, Address];
  readonly feePips: number;
  readonly tickSpacing: number;
  readonly hooks: Address;
  /** When given, must equal the PoolId of the key. */
  readonly poolId?: Hex;
}

export interface V4ReaderConfig {
  readonly client: PublicClient;
  readonly poolManager: Address;
  readonly multicall3?: Address;
}

export const keyOf = (r: V4PoolRef): V4Key => ({
  currency0: r.tokens[0],
  currency1: r.tokens[1],
  fee: r.feePips,
  tickSpacing: r.tickSpacing,
  hooks: r.hooks,
});

async function extsloadMany(cfg: V4ReaderConfig, lists: readonly Hex[][], blockNumber: bigint): Promise<Hex[][]> {
  try {
    return (await cfg.client.multicall({
      contracts: lists.map((slots) => ({
        address: cfg.poolManager,
        abi: extsloadAbi,
        functionName: 'extsload',
        args: [slots],
      })),
      allowFailure: false,
      blockNumber,
      batchSize: 0,
      ...(cfg.multicall3 ? { multicallAddress: cfg.multicall3 } : {}),
    })) as Hex[][];
  } catch (e) {
    throw new StateReadError(
      `reading v4 pool storage from PoolManager ${cfg.poolManager} at block ${blockNumber} failed: ` +
        `${(e as Error).message.split('\n')[0]}; check the PoolManager address and that Multicall3 is deployed`,
    );
  }
}

export async function readV4PoolStates(
  cfg: V4ReaderConfig,
  refs: readonly V4PoolRef[],
  blockNumber?: bigint,
): Promise<{ blockNumber: bigint; states: V4State[] }> {
  const block = blockNumber ?? (await cfg.client.getBlockNumber({ cacheTime: 0 }));
  const ids = refs.map((r) => {
    const id = v4PoolId(keyOf(r));
    if (r.poolId !== undefined && r.poolId.toLowerCase() !== id)
      throw new StateReadError(`v4 pool ${r.poolId}: its PoolKey hashes to ${id}, not to the given poolId`);
    return id;
  });
  const ranges = refs.map((r) => bitmapWordRange(r.tickSpacing));
  const first = await extsloadMany(
    cfg,
    ids.map((id, k) => {
      const [lo, hi] = ranges[k]!;
      const slots: Hex[] = [slot0Slot(id), liquiditySlot(id)];
      for (let w = lo; w <= hi; w++) slots.push(bitmapSlot(id, w));
      return slots;
    }),
    block,
  );
  const ticks = refs.map((r, k) => {
    const words = first[k]!;
    const lo = ranges[k]![0];
    return words.slice(2).flatMap((v, j) => ticksOfWord(lo + j, v, r.tickSpacing));
  });
  const nets = await extsloadMany(
    cfg,
    ids.map((id, k) => ticks[k]!.map((t) => tickSlot(id, t))),
    block,
  );
  const states = refs.map((r, k): V4State => {
    const id = ids[k]!;
    const s0 = decodeSlot0(first[k]![0]!);
    if (s0.sqrtPriceX96 === 0n) throw new StateReadError(`v4 pool ${id} is not initialized`);
    if (s0.protocolFee !== 0)
      throw new StateReadError(`v4 pool ${id} charges a protocol fee (${s0.protocolFee}): not supported`);
    return {
      kind: 'uniswap-v4',
      address: id,
      poolManager: cfg.poolManager,
      token0: r.tokens[0],
      token1: r.tokens[1],
      fee: s0.lpFee,
      tickSpacing: r.tickSpacing,
      hooks: r.hooks,
      sqrtPriceX96: s0.sqrtPriceX96,
      tick: s0.tick,
      liquidity: decodeLiquidity(first[k]![1]!),
      ticks: ticks[k]!.map((index, j) => ({ index, liquidityNet: decodeLiquidityNet(nets[k]![j]!) })),
    };
  });
  return { blockNumber: block, states };
}
