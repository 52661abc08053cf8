/**
 * The exact-input swap loop of UniswapV3Pool.swap, as QuoterV2 runs it: steps end at the next initialized tick
 * *or at the 256-tick-spacing word boundary of the tick bitmap* (TickBitmap.nextInitializedTickWithinOneWord),
 * because every step boundary changes the rounding; the loop stops when the input is used up or the price limit
 * is reached (liquidity exhausted). Protocol fees do not change the trader's amounts and are ignored.
 */
import { ChainRevert } from './errors.ts';
import { computeSwapStep } from './v3-swap-math.ts';
import {
  getSqrtRatioAtTick,
  getTickAtSqrtRatio,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
} from './v3-tick-math.ts';

/** Initialized ticks of a pool in the form the loop needs. */
export interface TickTable {
  readonly tickSpacing: number;
  /** Initialized ticks divided by tickSpacing, ascending. */
  readonly compressed: Int32Array;
  /** liquidityNet of compressed[k]. */
  readonly liquidityNet: readonly bigint[];
}

export interface V3SwapInput {
  readonly sqrtPriceX96: bigint;
  readonly tick: number;
  readonly liquidity: bigint;
  readonly fee: number;
  readonly table: TickTable;
}

export interface V3SwapResult {
  /** Input actually taken by the pool (less than asked when liquidity ran out). */
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  readonly sqrtPriceX96: bigint;
  readonly tick: number;
  readonly liquidity: bigint;
  /** Initialized ticks crossed. */
  readonly ticksCrossed: number;
  /** Loop iterations (initialized ticks plus empty word boundaries). */
  readonly steps: number;
}

/** Memo of getSqrtRatioAtTick: swaps keep hitting the same word boundaries and initialized ticks. */
const sqrtMemo = new Map<number, bigint>();
function sqrtAt(tick: number): bigint {
  let v = sqrtMemo.get(tick);
  if (v === undefined) {
    if (sqrtMemo.size > 200_000) sqrtMemo.clear();
    v = getSqrtRatioAtTick(tick);
    sqrtMemo.set(tick, v);
  }
  return v;
}

/** Largest k with compressed[k] <= c, or -1. */
function floorIndex(a: Int32Array, c: number): number {
  let lo = 0;
  let hi = a.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= c) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/**
 * TickBitmap.nextInitializedTickWithinOneWord over a sorted tick list: the next initialized tick at or below
 * (lte) / above (!lte) `tick`, but no further than the current 256-bit word of the bitmap.
 */
export function nextInitializedTickWithinOneWord(
  table: TickTable,
  tick: number,
  lte: boolean,
): { next: number; initialized: boolean; index: number } {
  const s = table.tickSpacing;
  const compressed = Math.floor(tick / s); // Solidity: tick / s, decremented for negative non-multiples
  const a = table.compressed;
  if (lte) {
    const bitPos = ((compressed % 256) + 256) % 256;
    const wordStart = compressed - bitPos;
    const k = floorIndex(a, compressed);
    if (k >= 0 && a[k] >= wordStart) return { next: a[k] * s, initialized: true, index: k };
    return { next: wordStart * s, initialized: false, index: -1 };
  }
  const c1 = compressed + 1;
  const bitPos = ((c1 % 256) + 256) % 256;
  const wordEnd = c1 + (255 - bitPos);
  const k = floorIndex(a, c1 - 1) + 1;
  if (k < a.length && a[k] <= wordEnd) return { next: a[k] * s, initialized: true, index: k };
  return { next: wordEnd * s, initialized: false, index: -1 };
}

/** Where a swap with zero liquidity ends up: the next initialized tick (crossed) or the price limit. */
function skipEmpty(
  table: TickTable,
  tick: number,
  zeroForOne: boolean,
  limit: bigint,
): { sqrtPrice: bigint; tick: number; net?: bigint } {
  const a = table.compressed;
  const compressed = Math.floor(tick / table.tickSpacing);
  const k = zeroForOne ? floorIndex(a, compressed) : floorIndex(a, compressed) + 1;
  if (k >= 0 && k < a.length) {
    const tickNext = a[k] * table.tickSpacing;
    const sqrtNext = sqrtAt(tickNext);
    if (zeroForOne ? sqrtNext >= limit : sqrtNext <= limit) {
      return { sqrtPrice: sqrtNext, tick: zeroForOne ? tickNext - 1 : tickNext, net: table.liquidityNet[k] };
    }
  }
  return { sqrtPrice: limit, tick: getTickAtSqrtRatio(limit) };
}

/** Default price limit of QuoterV2 / SwapRouter when sqrtPriceLimitX96 = 0. */
export function defaultPriceLimit(zeroForOne: boolean): bigint {
  return zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
}

/**
 * Exact-input swap of `amountIn` (> 0) of token0 (zeroForOne) or token1. Throws ChainRevert where the pool would
 * revert ('AS' for 0 input, 'SPL' for a bad limit, overflow reverts from the math).
 */
export function v3SwapExactIn(
  p: V3SwapInput,
  zeroForOne: boolean,
  amountIn: bigint,
  sqrtPriceLimitX96: bigint = defaultPriceLimit(zeroForOne),
  /** Jump over ranges without liquidity (default, same result); false walks them word by word like the contract. */
  skipEmptyRanges = true,
): V3SwapResult {
  if (amountIn <= 0n) throw new ChainRevert('AS');
  const limitOk = zeroForOne
    ? sqrtPriceLimitX96 < p.sqrtPriceX96 && sqrtPriceLimitX96 > MIN_SQRT_RATIO
    : sqrtPriceLimitX96 > p.sqrtPriceX96 && sqrtPriceLimitX96 < MAX_SQRT_RATIO;
  if (!limitOk) throw new ChainRevert('SPL');
  let remaining = amountIn;
  let out = 0n;
  let sqrtPrice = p.sqrtPriceX96;
  let tick = p.tick;
  let liquidity = p.liquidity;
  let ticksCrossed = 0;
  let steps = 0;
  while (remaining !== 0n && sqrtPrice !== sqrtPriceLimitX96) {
    steps++;
    if (liquidity === 0n && skipEmptyRanges) {
      // Steps without liquidity move the price for free (0 in, 0 out, 0 fee): jump straight to the next
      // initialized tick, or to the limit, with the exact state the word-by-word loop would reach.
      const jump = skipEmpty(p.table, tick, zeroForOne, sqrtPriceLimitX96);
      sqrtPrice = jump.sqrtPrice;
      tick = jump.tick;
      if (jump.net !== undefined) {
        liquidity += zeroForOne ? -jump.net : jump.net;
        if (liquidity < 0n) throw new ChainRevert('LS');
        ticksCrossed++;
      }
      continue;
    }
    const start = sqrtPrice;
    const nx = nextInitializedTickWithinOneWord(p.table, tick, zeroForOne);
    const tickNext = Math.min(MAX_TICK, Math.max(MIN_TICK, nx.next));
    const sqrtNext = sqrtAt(tickNext);
    const target = (zeroForOne ? sqrtNext < sqrtPriceLimitX96 : sqrtNext > sqrtPriceLimitX96)
      ? sqrtPriceLimitX96
      : sqrtNext;
    const step = computeSwapStep(sqrtPrice, target, liquidity, remaining, p.fee);
    sqrtPrice = step.sqrtRatioNextX96;
    remaining -= step.amountIn + step.feeAmount;
    out += step.amountOut;
    if (sqrtPrice === sqrtNext) {
      if (nx.initialized) {
        let net = p.table.liquidityNet[nx.index];
        if (zeroForOne) net = -net;
        liquidity += net;
        if (liquidity < 0n) throw new ChainRevert('LS');
        if (liquidity >= 1n << 128n) throw new ChainRevert('LA');
        ticksCrossed++;
      }
      tick = zeroForOne ? tickNext - 1 : tickNext;
    } else if (sqrtPrice !== start) {
      tick = getTickAtSqrtRatio(sqrtPrice);
    }
  }
  return {
    amountIn: amountIn - remaining,
    amountOut: out,
    sqrtPriceX96: sqrtPrice,
    tick,
    liquidity,
    ticksCrossed,
    steps,
  };
}
