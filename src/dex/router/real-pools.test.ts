/** The router on the exact pool math of src/dex/pools (v2, v3 ranges, Balancer weighted/stable, Curve). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool } from '../pools/index.ts';
import { baselineRoute } from './baseline.ts';
import { formatRoute } from './format.ts';
import { gainOverBaseline, pairLiquidity } from './gain.ts';
import { route } from './route.ts';
import { DAI, DECIMALS, realMarket, SYMBOLS, USDC, WBTC, WETH } from './testing/real-market.ts';

const E18 = 10n ** 18n;
const GWEI = 10n ** 9n;

describe('router on real pool math', () => {
  const pools = realMarket();

  for (const [label, amountIn] of [
    ['0.01 WETH', E18 / 100n],
    ['10 WETH', 10n * E18],
    ['2000 WETH', 2000n * E18],
    ['8000 WETH (saturates the Balancer pool)', 8000n * E18],
  ] as const) {
    it(`routes ${label} exactly with a certificate, never below the baseline`, () => {
      for (const gasPriceWei of [0n, 30n * GWEI]) {
        const req = { pools, tokenIn: WETH, tokenOut: USDC, amountIn, gasPriceWei, outPerEth: 3000e6 };
        const r = route(req);
        assert.equal(
          r.legs.filter((l) => l.path[0] === WETH).reduce((s, l) => s + l.amountIn, 0n),
          amountIn,
        );
        assert.equal(
          r.legs.filter((l) => l.path[1] === USDC).reduce((s, l) => s + l.amountOut, 0n),
          r.amountOut,
        );
        // Every pool's exact output is what the leg says.
        for (const l of r.legs) {
          const pool = pools.find((p) => p.id === l.pool);
          assert.equal(pool?.amountOut(l.path[0] as typeof WETH, l.path[1] as typeof WETH, l.amountIn), l.amountOut);
          assert.ok(l.amountOut > 0n, `leg through ${l.pool} returns nothing for ${l.amountIn}`);
          assert.ok(
            l.amountIn <=
              BigInt(
                Math.min(
                  Number.MAX_SAFE_INTEGER * 2 ** 60,
                  pool?.maxIn(l.path[0] as typeof WETH, l.path[1] as typeof WETH) ?? 0,
                ),
              ),
          );
        }
        assert.ok(r.certificate.maxRelativeGap <= 1e-9, `gap ${r.certificate.maxRelativeGap}`);
        assert.ok(r.certificate.maxUnusedRatio <= 1 + 1e-9, `unused ${r.certificate.maxUnusedRatio}`);
        const b = baselineRoute(req);
        assert.ok(r.netOut >= b.netOut, `router ${r.netOut} < baseline ${b.netOut}`);
      }
    });
  }

  it('uses the hubs jointly and prints a readable table', () => {
    const r = route({
      pools,
      tokenIn: WETH,
      tokenOut: USDC,
      amountIn: 3000n * E18,
      gasPriceWei: 0n,
      outPerEth: 3000e6,
    });
    assert.ok(r.legs.some((l) => l.path[1] === DAI));
    const text = formatRoute(r, { symbols: SYMBOLS, decimals: DECIMALS });
    assert.match(text, /WETH → DAI/);
    assert.match(text, /DAI → USDC/);
    assert.match(text, /expected output {1}[\d.]+ USDC/);
  });

  it('reports the gain over the 5% baseline for 0.1%, 1% and 10% of the pair liquidity', () => {
    const rows = gainOverBaseline(pools, WETH, USDC, { gasPriceWei: 20n * GWEI, outPerEth: 3000e6 });
    assert.deepEqual(
      rows.map((r) => r.fraction),
      [0.001, 0.01, 0.1],
    );
    const liq = pairLiquidity(pools, WETH, USDC);
    assert.equal(rows[2]?.amountIn, liq / 10n);
    for (const r of rows) assert.ok(r.gainBps >= 0, `negative gain ${r.gainBps} at ${r.fraction}`);
  });

  it('gives a multi-asset pool one role only (one swap per pool)', () => {
    const e18 = 10n ** 18n;
    // WETH/DAI/WBTC weighted pool: could be a first hop towards DAI or towards WBTC.
    const tri = createPool({
      kind: 'balancer-weighted',
      address: '0x00000000000000000000000000000000000c0ffe',
      poolId: `0x${'33'.repeat(32)}`,
      tokens: [WETH, DAI, WBTC],
      balances: [3000n * e18, 9_000_000n * e18, 150n * 10n ** 8n],
      decimals: [18, 18, 8],
      weights: [e18 / 3n, e18 / 3n, e18 - 2n * (e18 / 3n)],
      swapFeePercentage: e18 / 1000n,
    });
    const all = [...pools.filter((p) => !(p.tokens.includes(WETH) && p.tokens.includes(USDC))), tri];
    const r = route({
      pools: all,
      tokenIn: WETH,
      tokenOut: USDC,
      amountIn: 500n * e18,
      gasPriceWei: 0n,
      outPerEth: 3000e6,
    });
    const ids = r.legs.map((l) => l.pool);
    assert.equal(new Set(ids).size, ids.length, 'a pool appears in two legs');
    assert.ok(r.certificate.maxRelativeGap <= 1e-9);
  });
});
