/** Optimality of issue #7 section 3: exhaustive 0.01% grid for 2-3 pools, certificate for 4-20 pools. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { gasUnitCost, route } from './route.ts';
import { IN, makePools, OUT, poolDraw } from './testing/arbitraries.ts';
import type { Route } from './types.ts';

const gasPrices = fc.constantFrom(0n, 5n * 10n ** 9n, 50n * 10n ** 9n);
const sizeExp = fc.double({ min: -5, max: 0, noNaN: true });
const sizeFor = (exp: number): bigint => BigInt(Math.floor(10 ** (22 + 3 * exp)));

function tryRoute(f: () => Route): Route | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && (e.name === 'InsufficientLiquidityError' || e.name === 'NoRouteError')) return undefined;
    throw e;
  }
}

/** Best net output over every split of amountIn in 0.01% steps over the given direct pools. */
function gridBest(pools: ReturnType<typeof makePools>, amountIn: bigint, unit: number): number {
  const n = 10_000;
  const outs = pools.map((p) => {
    const o = new Float64Array(n + 1);
    for (let k = 1; k <= n; k++) o[k] = Number(p.amountOut(IN, OUT, (amountIn * BigInt(k)) / BigInt(n)));
    return o;
  });
  const gas = pools.map((p) => p.gas * unit);
  const value = (i: number, k: number): number => (k === 0 ? 0 : (outs[i]?.[k] ?? 0) - (gas[i] ?? 0));
  let best = Number.NEGATIVE_INFINITY;
  if (pools.length === 2) {
    for (let a = 0; a <= n; a++) best = Math.max(best, value(0, a) + value(1, n - a));
  } else {
    for (let a = 0; a <= n; a++) {
      const va = value(0, a);
      for (let b = 0; a + b <= n; b++) {
        const v = va + value(1, b) + value(2, n - a - b);
        if (v > best) best = v;
      }
    }
  }
  return best;
}

describe('router optimality', () => {
  it('for 2-3 pools is within 0.1 bp of an exhaustive 0.01% grid (net of gas)', () => {
    fc.assert(
      fc.property(
        fc.array(poolDraw(['direct']), { minLength: 2, maxLength: 3 }),
        sizeExp,
        gasPrices,
        (draws, exp, gp) => {
          const pools = makePools(draws);
          const amountIn = sizeFor(exp);
          const ope = 3e21;
          const r = tryRoute(() =>
            route({ pools, tokenIn: IN, tokenOut: OUT, amountIn, gasPriceWei: gp, outPerEth: ope }),
          );
          if (!r) return;
          const grid = gridBest(pools, amountIn, gasUnitCost(gp, ope));
          const net = Number(r.netOut);
          assert.ok(
            net >= grid - Math.abs(grid) * 1e-5,
            `router ${net} < grid ${grid} by ${((grid - net) / grid) * 1e4} bp`,
          );
        },
      ),
      { numRuns: 25, seed: 3 },
    );
  });

  it('for 4-20 pools (direct and through a hub) carries an optimality certificate', () => {
    fc.assert(
      fc.property(
        fc.array(poolDraw(['direct', 'first', 'second']), { minLength: 4, maxLength: 20 }),
        sizeExp,
        gasPrices,
        (draws, exp, gp) => {
          const pools = makePools(draws);
          const amountIn = sizeFor(exp);
          const r = tryRoute(() =>
            route({ pools, tokenIn: IN, tokenOut: OUT, amountIn, gasPriceWei: gp, outPerEth: 3e21 }),
          );
          if (!r) return;
          const c = r.certificate;
          assert.ok(c.maxRelativeGap <= 1e-9, `used pools off the common price by ${c.maxRelativeGap}`);
          assert.ok(c.maxUnusedRatio <= 1 + 1e-9, `an unused pool prices ${c.maxUnusedRatio} x lambda at zero`);
          if (gp === 0n) assert.deepEqual(c.droppedForGas, []);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });
});
