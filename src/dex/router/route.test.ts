import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRoute, InsufficientLiquidityError, NoRouteError, RouteRequestError, route } from './index.ts';
import { boundedPool, constantProductPool, tokenAddress } from './testing/cp-pool.ts';

const A = tokenAddress(0);
const B = tokenAddress(1);
const H = tokenAddress(2);
const e18 = 10n ** 18n;
const cp = (id: string, t0: typeof A, t1: typeof A, r0: bigint, r1: bigint, gas = 100_000) =>
  constantProductPool({ id, token0: t0, token1: t1, reserve0: r0 * e18, reserve1: r1 * e18, gas });

describe('route', () => {
  it('splits two identical pools evenly and sums exactly', () => {
    const pools = [cp('p1', A, B, 1000n, 1000n), cp('p2', A, B, 1000n, 1000n)];
    const amountIn = 100n * e18 + 1n;
    const r = route({ pools, tokenIn: A, tokenOut: B, amountIn, gasPriceWei: 0n, outPerEth: 0 });
    assert.equal(r.legs.length, 2);
    assert.equal(
      r.legs.reduce((s, l) => s + l.amountIn, 0n),
      amountIn,
    );
    const diff = (r.legs[0]?.amountIn ?? 0n) - (r.legs[1]?.amountIn ?? 0n);
    assert.ok(diff >= -2n && diff <= 2n, `uneven split ${diff}`);
    assert.equal(
      r.amountOut,
      r.legs.reduce((s, l) => s + l.amountOut, 0n),
    );
    assert.equal(r.sharing, 'joint');
    assert.ok(r.certificate.maxRelativeGap < 1e-12);
  });

  it('routes through a hub jointly when a pool is shared by two paths', () => {
    // One first hop A->H feeds two second hops H->B: the paths share pool f.
    const pools = [cp('f', A, H, 1000n, 1000n), cp('s1', H, B, 500n, 500n), cp('s2', H, B, 800n, 800n)];
    const r = route({ pools, tokenIn: A, tokenOut: B, amountIn: 50n * e18, gasPriceWei: 0n, outPerEth: 0 });
    assert.deepEqual(r.legs.map((l) => l.pool).sort(), ['f', 's1', 's2']);
    const first = r.legs.find((l) => l.pool === 'f');
    const seconds = r.legs.filter((l) => l.pool !== 'f');
    assert.equal(
      seconds.reduce((s, l) => s + l.amountIn, 0n),
      first?.amountOut,
    );
    assert.ok(r.certificate.maxRelativeGap < 1e-9);
    assert.ok(r.certificate.hubPrices[H] !== undefined);
  });

  it('drops a leg whose gain does not pay its gas', () => {
    const pools = [cp('deep', A, B, 1_000_000n, 1_000_000n), cp('tiny', A, B, 1n, 1n)];
    const r = route({
      pools,
      tokenIn: A,
      tokenOut: B,
      amountIn: 10n * e18,
      gasPriceWei: 10n ** 9n * 20n,
      outPerEth: 3000e18,
    });
    assert.deepEqual(
      r.legs.map((l) => l.pool),
      ['deep'],
    );
    assert.deepEqual(r.certificate.droppedForGas, ['tiny']);
    assert.equal(r.gas, 100_000);
    assert.equal(r.netOut, r.amountOut - r.gasCostOut);
  });

  it('fills a bounded pool to its cap and overflows to the next', () => {
    const capped = boundedPool({
      id: 'v3',
      token0: A,
      token1: B,
      reserve0: 10_000n * e18,
      reserve1: 10_000n * e18,
      realOut0: 5n * e18,
      realOut1: 5n * e18,
    });
    const pools = [capped, cp('v2', A, B, 1000n, 900n)];
    const r = route({ pools, tokenIn: A, tokenOut: B, amountIn: 40n * e18, gasPriceWei: 0n, outPerEth: 0 });
    assert.ok(r.certificate.saturated.includes('v3'));
    assert.ok(r.amountOut > 35n * e18);
  });

  it('rejects bad input with typed errors naming the field', () => {
    const pools = [cp('p1', A, B, 10n, 10n)];
    const base = { pools, tokenIn: A, tokenOut: B, amountIn: e18, gasPriceWei: 0n, outPerEth: 0 };
    assert.throws(
      () => route({ ...base, amountIn: 0n }),
      (e) => e instanceof RouteRequestError && e.field === 'amountIn',
    );
    assert.throws(() => route({ ...base, outPerEth: Number.NaN }), RouteRequestError);
    assert.throws(() => route({ ...base, tokenOut: A }), RouteRequestError);
    assert.throws(() => route({ ...base, tokenOut: H }), NoRouteError);
    const capped = boundedPool({
      id: 'c',
      token0: A,
      token1: B,
      reserve0: e18,
      reserve1: e18,
      realOut0: 1n,
      realOut1: 1000n,
    });
    assert.throws(() => route({ ...base, pools: [capped], amountIn: 10n * e18 }), InsufficientLiquidityError);
  });

  it('formats the route as a table', () => {
    const pools = [
      cp('0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', A, B, 1000n, 2000n),
      cp('p2', A, H, 1000n, 1000n),
      cp('p3', H, B, 1000n, 2000n),
    ];
    const r = route({
      pools,
      tokenIn: A,
      tokenOut: B,
      amountIn: 10n * e18,
      gasPriceWei: 10n ** 9n,
      outPerEth: 2000e18,
    });
    const text = formatRoute(r, {
      symbols: { [A]: 'WETH', [B]: 'USDC', [H]: 'DAI' },
      decimals: { [A]: 18, [B]: 18, [H]: 18 },
    });
    assert.match(text, /WETH → USDC/);
    assert.match(text, /expected output {1}\d+\.\d+ USDC/);
    assert.match(text, /price impact/);
    assert.match(text, /gas {13}\d+ units/);
  });
});
