import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCostModel, orderCost, withVenueCosts } from '../../core/costs.ts';
import { makeUniverse } from '../../core/universe.ts';
import { createPool } from '../../dex/pools/index.ts';
import { dexCostComponent } from './venue-costs.ts';

const WETH = `0x${'01'.repeat(20)}` as const;
const USDC = `0x${'02'.repeat(20)}` as const;
// 1,000 WETH against 3,000,000 USDC (price 3,000), Uniswap v2 fee 0.3%.
const pool = createPool({
  kind: 'uniswap-v2',
  address: `0x${'aa'.repeat(20)}`,
  token0: WETH,
  token1: USDC,
  reserve0: 1000n * 10n ** 18n,
  reserve1: 3_000_000n * 10n ** 6n,
});

test('venue component: pool fee + AMM impact + gas in the quote, growing faster than the notional; seen by orderCost', () => {
  const u = makeUniverse('USDC', { WETH: 0.5, USDC: 0.5 });
  const venue = dexCostComponent({
    assets: u.assets,
    quote: 'USDC',
    tokens: new Map([
      ['WETH', { symbol: 'WETH', address: WETH, decimals: 18 }],
      ['USDC', { symbol: 'USDC', address: USDC, decimals: 6 }],
    ]),
    priceInQuote: new Map([
      ['WETH', 3000],
      ['USDC', 1],
    ]),
    ethInQuote: 3000,
    pools: [pool],
    gasPriceWei: 10n ** 9n,
  });
  const i = u.index.get('WETH')!;
  const small = venue.cost(i, 3000, -1);
  const big = venue.cost(i, 300_000, -1);
  // 0.3% fee ≈ 9 USDC on 3,000, impact ≈ 0.1% (1 WETH of 1,000) ≈ 3 USDC, gas ~1e5 × 1 gwei × 3,000 ≈ 0.3 USDC.
  assert.ok(small > 12 && small < 12.5, `small ${small}`);
  // 10% of the pool: fee 900 + impact ≈ 300,000 × 0.1 / 1.1 ≈ 27,000.
  assert.ok(big / 300_000 > 10 * (small / 3000), 'impact makes the cost convex');
  assert.ok(venue.cost(i, 3000, 1) > 9, 'buys are priced too');
  const m = withVenueCosts(
    makeCostModel(u, { feeBps: 0, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} }),
    venue,
  );
  assert.equal(orderCost(m, i, 3000, -1), small);
});
