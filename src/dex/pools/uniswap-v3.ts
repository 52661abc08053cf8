/**
 * Uniswap v3 pool as a SwapPool: exact amounts from the ported swap loop (equal to QuoterV2.quoteExactInputSingle
 * with sqrtPriceLimitX96 = 0), float marginal price from the liquidity ranges.
 */
import { badState, ChainRevert, checkAmountIn, pairIndices } from './errors.ts';
import type { Address, SwapPool, V3State } from './types.ts';
import { type TickTable, type V3SwapInput, type V3SwapResult, v3SwapExactIn } from './v3-swap.ts';
import { getSqrtRatioAtTick, MAX_TICK, MIN_TICK } from './v3-tick-math.ts';

/** Gas of one v3 leg: SwapRouter.exactInputSingle without tick crossing, measured on anvil (shared notes); each crossed initialized tick adds roughly 20-30k more. */
export const V3_GAS = 120_000;

const Q96F = 2 ** 96;

/** Builds and validates the tick table: ticks ascending, multiples of tickSpacing, inside [MIN_TICK, MAX_TICK]. */
export function buildTickTable(state: V3State): TickTable {
  const id = state.address.toLowerCase();
  const s = state.tickSpacing;
  if (!Number.isInteger(s) || s <= 0) badState(id, 'tickSpacing', `is ${s}, expected a positive integer`);
  const compressed = new Int32Array(state.ticks.length);
  const liquidityNet: bigint[] = [];
  let prev = Number.NEGATIVE_INFINITY;
  state.ticks.forEach((t, k) => {
    if (!Number.isInteger(t.index) || t.index % s !== 0)
      badState(id, `ticks[${k}].index`, `${t.index} is not a multiple of tickSpacing ${s}`);
    if (t.index < MIN_TICK || t.index > MAX_TICK)
      badState(id, `ticks[${k}].index`, `${t.index} is outside [MIN_TICK, MAX_TICK]`);
    if (t.index <= prev) badState(id, `ticks[${k}].index`, 'is not strictly ascending');
    prev = t.index;
    compressed[k] = t.index / s;
    liquidityNet.push(t.liquidityNet);
  });
  return { tickSpacing: s, compressed, liquidityNet };
}

/**
 * The pool's invariants: active liquidity = Σ liquidityNet of initialized ticks <= current tick, and the nets sum
 * to 0. A tick list read partially (e.g. a truncated bitmap scan) breaks them and would misquote silently.
 */
function checkLiquidityConsistent(state: V3State): void {
  let below = 0n;
  let all = 0n;
  for (const t of state.ticks) {
    if (t.index <= state.tick) below += t.liquidityNet;
    all += t.liquidityNet;
  }
  const id = state.address.toLowerCase();
  if (below !== state.liquidity) {
    badState(
      id,
      'ticks',
      `give liquidity ${below} at tick ${state.tick} but the pool reports ${state.liquidity} (tick list incomplete?)`,
    );
  }
  if (all !== 0n) badState(id, 'ticks', `liquidityNet sums to ${all}, not 0 (tick list incomplete?)`);
}

/** One constant-liquidity range crossed by a swap in one direction (float, for marginal prices). */
interface Segment {
  /** Gross input (fee included) consumed before this segment starts. */
  readonly cumIn: number;
  /** Gross input this segment can absorb. */
  readonly capIn: number;
  readonly sqrtStart: number;
  readonly liquidity: number;
}

/** Float ranges from the current price to the end of liquidity, following initialized ticks only. */
function buildSegments(state: V3State, zeroForOne: boolean): Segment[] {
  const gamma = 1 - state.fee / 1e6;
  const segs: Segment[] = [];
  let L = state.liquidity;
  let sp = Number(state.sqrtPriceX96) / Q96F;
  let cum = 0;
  const ticks = state.ticks;
  // zeroForOne crosses ticks <= current tick going down; oneForZero ticks > current tick going up.
  const order = zeroForOne
    ? [...ticks].reverse().filter((t) => t.index <= state.tick)
    : ticks.filter((t) => t.index > state.tick);
  const push = (sb: number) => {
    const Lf = Number(L);
    const cap = Lf <= 0 ? 0 : zeroForOne ? (Lf * (1 / sb - 1 / sp)) / gamma : (Lf * (sb - sp)) / gamma;
    if (Lf > 0 && cap > 0) segs.push({ cumIn: cum, capIn: cap, sqrtStart: sp, liquidity: Lf });
    cum += Math.max(0, cap);
    sp = sb;
  };
  for (const t of order) {
    push(Number(getSqrtRatioAtTick(t.index)) / Q96F);
    L += zeroForOne ? -t.liquidityNet : t.liquidityNet;
  }
  push(Number(getSqrtRatioAtTick(zeroForOne ? MIN_TICK : MAX_TICK)) / Q96F);
  return segs;
}

export function createV3Pool(
  state: V3State,
  gas: number = V3_GAS,
): SwapPool & {
  /** Full result of the exact swap (amount taken, ticks crossed, final price), for tests and diagnostics. */
  swap(tokenIn: Address, tokenOut: Address, amountIn: bigint): V3SwapResult;
} {
  const id = state.address.toLowerCase();
  if (!Number.isInteger(state.fee) || state.fee < 0 || state.fee >= 1e6)
    badState(id, 'fee', `${state.fee} is not a fee in pips (0 <= fee < 1e6)`);
  if (state.liquidity < 0n) badState(id, 'liquidity', 'is negative');
  if (state.sqrtPriceX96 <= 0n) badState(id, 'sqrtPriceX96', 'is not positive');
  const table = buildTickTable(state);
  checkLiquidityConsistent(state);
  const input: V3SwapInput = {
    sqrtPriceX96: state.sqrtPriceX96,
    tick: state.tick,
    liquidity: state.liquidity,
    fee: state.fee,
    table,
  };
  const tokens: readonly Address[] = [state.token0, state.token1];
  const gamma = 1 - state.fee / 1e6;
  const segCache: (Segment[] | undefined)[] = [undefined, undefined];
  const maxCache: (number | undefined)[] = [undefined, undefined];
  const segments = (zeroForOne: boolean): Segment[] => {
    const k = zeroForOne ? 0 : 1;
    segCache[k] ??= buildSegments(state, zeroForOne);
    return segCache[k];
  };
  const swap = (tokenIn: Address, tokenOut: Address, amountIn: bigint): V3SwapResult => {
    const [i] = pairIndices(id, tokens, tokenIn, tokenOut);
    checkAmountIn(id, amountIn);
    return v3SwapExactIn(input, i === 0, amountIn);
  };
  return {
    id,
    protocol: 'uniswap-v3',
    tokens,
    gas,
    swap,
    amountOut(tokenIn, tokenOut, amountIn) {
      const [i] = pairIndices(id, tokens, tokenIn, tokenOut);
      checkAmountIn(id, amountIn);
      if (amountIn === 0n) return 0n;
      try {
        return v3SwapExactIn(input, i === 0, amountIn).amountOut;
      } catch (e) {
        if (e instanceof ChainRevert) return 0n;
        throw e;
      }
    },
    marginal(tokenIn, tokenOut, x) {
      const [i] = pairIndices(id, tokens, tokenIn, tokenOut);
      const zeroForOne = i === 0;
      const xx = Math.max(0, x);
      for (const s of segments(zeroForOne)) {
        if (xx >= s.cumIn + s.capIn) continue;
        const r = (xx - s.cumIn) * gamma;
        if (zeroForOne) {
          const sq = 1 / (1 / s.sqrtStart + r / s.liquidity);
          return gamma * sq * sq;
        }
        const sq = s.sqrtStart + r / s.liquidity;
        return gamma / (sq * sq);
      }
      return 0;
    },
    maxIn(tokenIn, tokenOut) {
      const [i] = pairIndices(id, tokens, tokenIn, tokenOut);
      const k = i === 0 ? 0 : 1;
      if (maxCache[k] === undefined) {
        try {
          maxCache[k] = Number(v3SwapExactIn(input, i === 0, 1n << 200n).amountIn);
        } catch (e) {
          if (!(e instanceof ChainRevert)) throw e;
          maxCache[k] = 0;
        }
      }
      return maxCache[k];
    },
  };
}
