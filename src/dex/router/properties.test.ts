/** Guarantees of issue #7 section 3, as fast-check properties over random markets. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { SwapPool } from '../pools/types.ts';
import { gasUnitCost, route } from './route.ts';
import { HUB, IN, makePools, OUT, poolDraw } from './testing/arbitraries.ts';

const gasPrices = fc.constantFrom(0n, 5n * 10n ** 9n, 50n * 10n ** 9n);
/** ETH priced at 1..3000 output tokens (18 decimals). */
const outPerEth = fc.double({ min: 1e18, max: 3e21, noNaN: true });
/** Trade size as a fraction of the largest input reserve (log-uniform 1e-6 .. 1). */
const sizeExp = fc.double({ min: -6, max: 0, noNaN: true });

/** Input from 1e3 to 1e21 base units (pools hold 1e18 .. 1e24): from dust to beyond the shallowest pools. */
function sizeFor(exp: number): bigint {
  return BigInt(Math.max(1000, Math.floor(10 ** (21 + 3 * exp))));
}

function singlePaths(pools: readonly SwapPool[], amountIn: bigint, unit: number): bigint[] {
  const out: bigint[] = [];
  const cost = (gas: number) => BigInt(Math.ceil(gas * unit));
  const firsts = pools.filter((p) => p.tokens.includes(IN) && p.tokens.includes(HUB));
  const seconds = pools.filter((p) => p.tokens.includes(HUB) && p.tokens.includes(OUT));
  for (const p of pools)
    if (p.tokens.includes(IN) && p.tokens.includes(OUT)) out.push(p.amountOut(IN, OUT, amountIn) - cost(p.gas));
  for (const a of firsts) {
    const mid = a.amountOut(IN, HUB, amountIn);
    for (const b of seconds) out.push(b.amountOut(HUB, OUT, mid) - cost(a.gas + b.gas));
  }
  return out;
}

describe('router properties', () => {
  it('is never worse than the best single pool or path (net of gas, exact)', () => {
    fc.assert(
      fc.property(
        fc.array(poolDraw(['direct', 'first', 'second']), { minLength: 1, maxLength: 10 }),
        sizeExp,
        gasPrices,
        outPerEth,
        (draws, exp, gp, ope) => {
          const pools = makePools(draws);
          const amountIn = sizeFor(exp);
          const singles = singlePaths(pools, amountIn, gasUnitCost(gp, ope));
          fc.pre(singles.length > 0);
          let r: ReturnType<typeof route>;
          try {
            r = route({ pools, tokenIn: IN, tokenOut: OUT, amountIn, gasPriceWei: gp, outPerEth: ope });
          } catch (e) {
            if (e instanceof Error && e.name === 'InsufficientLiquidityError') return;
            throw e;
          }
          for (const s of singles) assert.ok(r.netOut >= s, `route ${r.netOut} < single ${s}`);
          assert.equal(
            r.legs.filter((l) => l.path[0] === IN).reduce((s, l) => s + l.amountIn, 0n),
            amountIn,
          );
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('output increases with input (gas-free output, and net of gas)', () => {
    fc.assert(
      fc.property(
        fc.array(poolDraw(['direct', 'first', 'second']), { minLength: 1, maxLength: 8 }),
        sizeExp,
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        gasPrices,
        (draws, exp, step, gp) => {
          const pools = makePools(draws);
          const a1 = sizeFor(exp);
          const a2 = a1 + BigInt(Math.ceil(Number(a1) * step));
          const req = { pools, tokenIn: IN, tokenOut: OUT, gasPriceWei: gp, outPerEth: 3e21 };
          let r1: ReturnType<typeof route>;
          let r2: ReturnType<typeof route>;
          try {
            r1 = route({ ...req, amountIn: a1 });
            r2 = route({ ...req, amountIn: a2 });
          } catch (e) {
            if (e instanceof Error && (e.name === 'InsufficientLiquidityError' || e.name === 'NoRouteError')) return;
            throw e;
          }
          if (gp === 0n)
            assert.ok(r2.amountOut >= r1.amountOut, `out(${a2})=${r2.amountOut} < out(${a1})=${r1.amountOut}`);
          assert.ok(r2.netOut >= r1.netOut, `net(${a2})=${r2.netOut} < net(${a1})=${r1.netOut}`);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
