/**
 * Test and benchmark helpers: a two-token constant-product pool (x*y=k with fee gamma = feeNum/feeDen) with exact
 * bigint output (the Uniswap v2 formula) and float marginal, plus a "concentrated" variant (virtual reserves,
 * finite maxIn, like a single Uniswap v3 range) whose curve the router has to invert numerically.
 */
import type { Address, Protocol, SwapPool } from '../../pools/types.ts';

export interface CpSpec {
  readonly id: string;
  readonly token0: Address;
  readonly token1: Address;
  readonly reserve0: bigint;
  readonly reserve1: bigint;
  /** gamma = feeNum / feeDen, e.g. 997/1000. */
  readonly feeNum?: bigint;
  readonly feeDen?: bigint;
  readonly gas?: number;
  readonly protocol?: Protocol;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function constantProductPool(spec: CpSpec): SwapPool {
  const feeNum = spec.feeNum ?? 997n;
  const feeDen = spec.feeDen ?? 1000n;
  const gamma = Number(feeNum) / Number(feeDen);
  const t0 = spec.token0.toLowerCase();
  const t1 = spec.token1.toLowerCase();
  const fwd: [bigint, bigint] = [spec.reserve0, spec.reserve1];
  const rev: [bigint, bigint] = [spec.reserve1, spec.reserve0];
  const fwdN = [Number(spec.reserve0), Number(spec.reserve1)] as const;
  const revN = [Number(spec.reserve1), Number(spec.reserve0)] as const;
  const dir = (tokenIn: Address, tokenOut: Address): 0 | 1 | -1 => {
    const i = tokenIn === spec.token0 || tokenIn.toLowerCase() === t0;
    if (i && (tokenOut === spec.token1 || tokenOut.toLowerCase() === t1)) return 0;
    if (
      (tokenIn === spec.token1 || tokenIn.toLowerCase() === t1) &&
      (tokenOut === spec.token0 || tokenOut.toLowerCase() === t0)
    )
      return 1;
    return -1;
  };
  const reserves = (tokenIn: Address, tokenOut: Address): [bigint, bigint] | undefined => {
    const d = dir(tokenIn, tokenOut);
    return d === 0 ? fwd : d === 1 ? rev : undefined;
  };
  return {
    id: spec.id,
    protocol: spec.protocol ?? 'uniswap-v2',
    tokens: [spec.token0, spec.token1],
    gas: spec.gas ?? 100_000,
    amountOut(tokenIn, tokenOut, amountIn) {
      const r = reserves(tokenIn, tokenOut);
      if (!r || amountIn <= 0n) return 0n;
      const [rin, rout] = r;
      const inWithFee = amountIn * feeNum;
      const den = rin * feeDen + inWithFee;
      return den === 0n ? 0n : (inWithFee * rout) / den;
    },
    marginal(tokenIn, tokenOut, x) {
      const k = dir(tokenIn, tokenOut);
      if (k < 0) return 0;
      const [rin, rout] = k === 0 ? fwdN : revN;
      const d = rin + gamma * x;
      return (gamma * rin * rout) / (d * d);
    },
    maxIn(tokenIn, tokenOut) {
      return reserves(tokenIn, tokenOut) && spec.reserve0 > 0n && spec.reserve1 > 0n ? Number.POSITIVE_INFINITY : 0;
    },
  };
}

/**
 * Constant product on virtual reserves, but only `realOut` of the output token exists: the input is capped at the
 * amount that drains it and output is flat beyond (a single concentrated-liquidity range). Inverted numerically.
 */
export function boundedPool(spec: CpSpec & { readonly realOut0: bigint; readonly realOut1: bigint }): SwapPool {
  const inner = constantProductPool(spec);
  const realOut = (tokenOut: Address) => (same(tokenOut, spec.token0) ? spec.realOut0 : spec.realOut1);
  const feeNum = spec.feeNum ?? 997n;
  const feeDen = spec.feeDen ?? 1000n;
  const caps = new Map<string, number>();
  const cap = (tokenIn: Address, tokenOut: Address): number => {
    const key = tokenIn + tokenOut;
    const c = caps.get(key);
    if (c !== undefined) return c;
    const v = capOf(tokenIn, tokenOut);
    caps.set(key, v);
    return v;
  };
  const capOf = (tokenIn: Address, tokenOut: Address): number => {
    const rin = Number(same(tokenIn, spec.token0) ? spec.reserve0 : spec.reserve1);
    const rout = Number(same(tokenOut, spec.token0) ? spec.reserve0 : spec.reserve1);
    const y = Number(realOut(tokenOut));
    const gamma = Number(feeNum) / Number(feeDen);
    // Solve gamma x rout / (rin + gamma x) = y.
    return y >= rout ? Number.POSITIVE_INFINITY : (y * rin) / (gamma * (rout - y));
  };
  return {
    ...inner,
    protocol: spec.protocol ?? 'uniswap-v3',
    amountOut(tokenIn, tokenOut, amountIn) {
      const c = cap(tokenIn, tokenOut);
      const a = Number(amountIn) > c ? BigInt(Math.floor(c)) : amountIn;
      const o = inner.amountOut(tokenIn, tokenOut, a);
      const r = realOut(tokenOut);
      // biome-ignore lint/complexity/useMathMinMax: bigint (Math.min takes numbers only)
      return o > r ? r : o;
    },
    marginal(tokenIn, tokenOut, x) {
      return x >= cap(tokenIn, tokenOut) ? 0 : inner.marginal(tokenIn, tokenOut, x);
    },
    maxIn(tokenIn, tokenOut) {
      return Math.min(inner.maxIn(tokenIn, tokenOut), cap(tokenIn, tokenOut));
    },
  };
}

/** Deterministic PRNG (mulberry32) for reproducible generators. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const tokenAddress = (i: number): Address => `0x${(i + 1).toString(16).padStart(40, '0')}`;
