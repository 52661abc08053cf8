/** Typed errors of the pool math: each says what was wrong and what to do about it. */
import { BallastError, type Next } from '../../core/errors.ts';
export class PoolMathError extends BallastError {
  static override readonly next: Next = 'stop';
  override readonly name = 'PoolMathError';
  constructor(
    readonly code: 'BAD_STATE' | 'BAD_TOKEN' | 'BAD_AMOUNT' | 'NO_CONVERGENCE',
    message: string,
  ) {
    super(message);
  }
}

/** Throws a BAD_STATE error naming the field; used when validating pool state read from chain. */
export function badState(pool: string, field: string, problem: string): never {
  throw new PoolMathError('BAD_STATE', `pool ${pool}: ${field} ${problem}; re-read the pool state from chain`);
}

/** Index of `token` in `tokens` (case-insensitive), or a BAD_TOKEN error telling which tokens the pool has. */
export function tokenIndex(pool: string, tokens: readonly string[], token: string): number {
  const t = token.toLowerCase();
  for (let i = 0; i < tokens.length; i++) if (tokens[i].toLowerCase() === t) return i;
  throw new PoolMathError(
    'BAD_TOKEN',
    `pool ${pool} does not hold token ${token} (it holds ${tokens.join(', ')}); route through a pool that has it`,
  );
}

/** Resolves (tokenIn, tokenOut) to distinct indices. */
export function pairIndices(
  pool: string,
  tokens: readonly string[],
  tokenIn: string,
  tokenOut: string,
): [number, number] {
  const i = tokenIndex(pool, tokens, tokenIn);
  const j = tokenIndex(pool, tokens, tokenOut);
  if (i === j)
    throw new PoolMathError(
      'BAD_TOKEN',
      `pool ${pool}: tokenIn equals tokenOut (${tokenIn}); pick two different tokens`,
    );
  return [i, j];
}

/** Rejects negative inputs: an amount in base units must be >= 0. */
export function checkAmountIn(pool: string, amountIn: bigint): void {
  if (amountIn < 0n)
    throw new PoolMathError('BAD_AMOUNT', `pool ${pool}: amountIn ${amountIn} is negative; pass base units >= 0`);
}

/**
 * The on-chain code would revert at this point (overflow, bound, require). The pure ports throw it with the
 * Solidity reason so callers can tell an impossible swap apart from a bug; SwapPool.amountOut turns it into 0n.
 */
export class ChainRevert extends BallastError {
  static override readonly next: Next = 'next-cycle';
  override readonly name = 'ChainRevert';
  constructor(readonly reason: string) {
    super(`the contract would revert: ${reason}`);
  }
}

export const MAX_UINT256 = (1n << 256n) - 1n;

/** Emulates a checked uint256 result: throws ChainRevert(reason) when out of range. */
export function u256(x: bigint, reason: string): bigint {
  if (x < 0n || x > MAX_UINT256) throw new ChainRevert(reason);
  return x;
}

/**
 * SwapPool.amountOut's common frame: resolve the pair, reject a negative input, 0 in → 0 out, and a swap the
 * contract would revert (ChainRevert) → 0n. `swap` computes the exact output for indices (i, j).
 */
export function guardedAmountOut(
  pool: string,
  tokens: readonly string[],
  tokenIn: string,
  tokenOut: string,
  amountIn: bigint,
  swap: (i: number, j: number) => bigint,
): bigint {
  const [i, j] = pairIndices(pool, tokens, tokenIn, tokenOut);
  checkAmountIn(pool, amountIn);
  if (amountIn === 0n) return 0n;
  try {
    return swap(i, j);
  } catch (e) {
    if (e instanceof ChainRevert) return 0n;
    throw e;
  }
}
