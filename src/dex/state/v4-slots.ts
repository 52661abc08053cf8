/**
 * Uniswap v4 PoolManager storage layout, as v4-core 1.0.2's StateLibrary reads it through `extsload`:
 * pools mapping at slot 6; a pool's state at keccak256(poolId . 6): slot0 (+0), liquidity (+3), ticks mapping (+4),
 * tick bitmap mapping (+5). Mapping keys (int24 tick, int16 word) are sign-extended to 32 bytes.
 */
import { encodeAbiParameters, encodePacked, type Hex, keccak256 } from 'viem';
import type { Address } from '../pools/types.ts';

export interface V4Key {
  readonly currency0: Address;
  readonly currency1: Address;
  /** Pips. */
  readonly fee: number;
  readonly tickSpacing: number;
  readonly hooks: Address;
}

const POOLS_SLOT = 6n;
const LIQUIDITY_OFFSET = 3n;
const TICKS_OFFSET = 4n;
const TICK_BITMAP_OFFSET = 5n;

/** PoolId = keccak256(abi.encode(PoolKey)) (PoolIdLibrary.toId). */
export function v4PoolId(k: V4Key): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'address' }, { type: 'address' }, { type: 'uint24' }, { type: 'int24' }, { type: 'address' }],
      [k.currency0, k.currency1, k.fee, k.tickSpacing, k.hooks],
    ),
  );
}

const word = (x: bigint): Hex => `0x${x.toString(16).padStart(64, '0')}`;
const plus = (slot: Hex, n: bigint): Hex => word(BigInt(slot) + n);
const mapSlot = (key: number, mapping: Hex): Hex =>
  keccak256(encodePacked(['int256', 'bytes32'], [BigInt(key), mapping]));

export function poolStateSlot(poolId: Hex): Hex {
  return keccak256(encodePacked(['bytes32', 'bytes32'], [poolId, word(POOLS_SLOT)]));
}

export const slot0Slot = (poolId: Hex): Hex => poolStateSlot(poolId);
export const liquiditySlot = (poolId: Hex): Hex => plus(poolStateSlot(poolId), LIQUIDITY_OFFSET);
/** Tick.Info's first word: liquidityGross (low 128 bits) and liquidityNet (high 128, signed). */
export const tickSlot = (poolId: Hex, tick: number): Hex => mapSlot(tick, plus(poolStateSlot(poolId), TICKS_OFFSET));
export const bitmapSlot = (poolId: Hex, wordPos: number): Hex =>
  mapSlot(wordPos, plus(poolStateSlot(poolId), TICK_BITMAP_OFFSET));

const signed = (x: bigint, bits: number): bigint => BigInt.asIntN(bits, x);

export interface Slot0 {
  readonly sqrtPriceX96: bigint;
  readonly tick: number;
  readonly protocolFee: number;
  readonly lpFee: number;
}

/** Slot0 packing: sqrtPriceX96 (160) | tick (int24) | protocolFee (24) | lpFee (24). */
export function decodeSlot0(v: Hex): Slot0 {
  const x = BigInt(v);
  return {
    sqrtPriceX96: x & ((1n << 160n) - 1n),
    tick: Number(signed((x >> 160n) & 0xffffffn, 24)),
    protocolFee: Number((x >> 184n) & 0xffffffn),
    lpFee: Number((x >> 208n) & 0xffffffn),
  };
}

export const decodeLiquidity = (v: Hex): bigint => BigInt(v) & ((1n << 128n) - 1n);
export const decodeLiquidityNet = (v: Hex): bigint => signed(BigInt(v) >> 128n, 128);

/** Bitmap words that can hold an initialized tick of this spacing (TickMath's MIN_TICK..MAX_TICK). */
export function bitmapWordRange(tickSpacing: number): readonly [number, number] {
  const lo = Math.floor(-887272 / tickSpacing);
  const hi = Math.floor(887272 / tickSpacing);
  return [lo >> 8, hi >> 8];
}

/** Initialized ticks of one bitmap word (bit b of word w = compressed tick 256·w + b), ascending. */
export function ticksOfWord(wordPos: number, v: Hex, tickSpacing: number): number[] {
  let x = BigInt(v);
  const out: number[] = [];
  for (let b = 0; x !== 0n; b++, x >>= 1n) if (x & 1n) out.push((wordPos * 256 + b) * tickSpacing);
  return out;
}
