import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baselineRoute } from './baseline.ts';
import { RouteRequestError } from './errors.ts';
import { route } from './route.ts';
import { constantProductPool, tokenAddress } from './testing/cp-pool.ts';

const A = tokenAddress(0);
const B = tokenAddress(1);
const E18 = 10n ** 18n;
const pool = (id: string, r: bigint) =>
  constantProductPool({ id, token0: A, token1: B, reserve0: r * E18, reserve1: r * E18 });

describe('5%-step baseline', () => {
  it('finds the best 5% split over at most 3 paths by exhaustive search, exact and summing to amountIn', () => {
    const pools = [pool('a', 100n), pool('b', 300n), pool('c', 600n), pool('d', 50n)];
    const amountIn = 77n * E18 + 3n;
    const b = baselineRoute({ pools, tokenIn: A, tokenOut: B, amountIn, gasPriceWei: 0n, outPerEth: 0 });
    assert.ok(b.splits.length <= 3);
    assert.equal(
      b.splits.reduce((s, x) => s + x.amountIn, 0n),
      amountIn,
    );
    for (const s of b.splits) assert.equal(s.percent % 5, 0);
    // Brute force over every 5% split of the four pools restricted to three: the baseline is at least as good.
    const out = (p: (typeof pools)[number], k: number) =>
      k === 0 ? 0n : p.amountOut(A, B, (amountIn * BigInt(k)) / 20n);
    let best = 0n;
    for (const skip of [0, 1, 2, 3]) {
      const ps = pools.filter((_, i) => i !== skip);
      for (let i = 0; i <= 20; i++)
        for (let j = 0; i + j <= 20; j++) {
          const v =
            out(ps[0] as (typeof pools)[number], i) +
            out(ps[1] as (typeof pools)[number], j) +
            out(ps[2] as (typeof pools)[number], 20 - i - j);
          if (v > best) best = v;
        }
    }
    assert.ok(b.amountOut >= best, `${b.amountOut} < brute force ${best}`);
    const r = route({ pools, tokenIn: A, tokenOut: B, amountIn, gasPriceWei: 0n, outPerEth: 0 });
    assert.ok(r.amountOut >= b.amountOut);
  });

  it('charges the same gas as the router', () => {
    const pools = [pool('a', 100n), pool('b', 100n)];
    const b = baselineRoute({ pools, tokenIn: A, tokenOut: B, amountIn: E18, gasPriceWei: 10n ** 9n, outPerEth: 1e18 });
    assert.equal(b.gas, 100_000 * b.splits.length);
    assert.equal(b.netOut, b.amountOut - b.gasCostOut);
  });

  it('rejects bad options', () => {
    const req = { pools: [pool('a', 1n)], tokenIn: A, tokenOut: B, amountIn: E18, gasPriceWei: 0n, outPerEth: 0 };
    assert.throws(() => baselineRoute(req, { stepPercent: 7 }), RouteRequestError);
    assert.throws(() => baselineRoute(req, { maxSplits: 4 }), RouteRequestError);
  });
});
