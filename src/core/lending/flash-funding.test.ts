import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { flatFeeModel, orderCost, withVenueCosts } from '../costs.ts';
import type { Universe } from '../universe.ts';
import {
  aaveFlashPremium,
  balancerFlashFee,
  chooseFunding,
  type FundingQuote,
  flashFee,
  flashFeeCost,
  v3FlashFee,
} from './flash-funding.ts';

test('each lender fee rounds as its contract does', () => {
  assert.equal(balancerFlashFee(1_000_000n, 0n), 0n);
  assert.equal(balancerFlashFee(3n, 10n ** 17n), 1n); // 0.3 up
  assert.equal(aaveFlashPremium(10_000n, 5n), 5n);
  assert.equal(aaveFlashPremium(1_000n, 5n), 1n); // 0.5 half up
  assert.equal(aaveFlashPremium(999n, 5n), 0n); // 0.4995 down
  assert.equal(v3FlashFee(1_000_000n, 3000n), 3000n);
  assert.equal(v3FlashFee(1n, 3000n), 1n); // mulDivRoundingUp
});

const quotes: FundingQuote[] = [
  { lender: 'uniswap-v3', feeRate: 500n, available: 10n ** 30n, pool: '0xAA' },
  { lender: 'aave', feeRate: 5n, available: 10n ** 30n },
  { lender: 'balancer', feeRate: 0n, available: 10n ** 12n },
];

test('the cheapest lender that can lend it; never a v3 pool the route uses', () => {
  assert.equal(chooseFunding(10n ** 9n, quotes)?.lender, 'balancer');
  // Balancer cannot lend 10^13: Aave (5 bps) beats the 0.05% pool
  assert.deepEqual(chooseFunding(10n ** 13n, quotes), { lender: 'aave', amount: 10n ** 13n, fee: 5n * 10n ** 9n });
  const cheapV3 = [{ ...quotes[0]!, feeRate: 1n }, quotes[1]!];
  assert.equal(chooseFunding(10n ** 13n, cheapV3)?.lender, 'uniswap-v3');
  assert.equal(chooseFunding(10n ** 13n, cheapV3, ['0xaa'])?.lender, 'aave');
  assert.equal(chooseFunding(10n ** 31n, quotes), null);
});

test('property: no amount to fund, no loan; a chosen loan is the minimum fee over eligible lenders', () => {
  const quote = fc.record({
    lender: fc.constantFrom('balancer' as const, 'aave' as const, 'uniswap-v3' as const),
    feeRate: fc.bigInt({ min: 0n, max: 10_000n }),
    available: fc.bigInt({ min: 0n, max: 10n ** 24n }),
    pool: fc.constantFrom('0x01', '0x02'),
  });
  fc.assert(
    fc.property(fc.array(quote, { maxLength: 5 }), fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (qs, amount) => {
      const f = chooseFunding(amount, qs, ['0x02']);
      if (amount <= 0n) return f === null;
      const eligible = qs.filter((q) => q.available >= amount && !(q.lender === 'uniswap-v3' && q.pool === '0x02'));
      if (eligible.length === 0) return f === null;
      const min = eligible.map((q) => flashFee(q, amount)).reduce((a, b) => (b < a ? b : a));
      return f !== null && f.amount === amount && f.pool !== '0x02' && f.fee === min;
    }),
  );
});

test('the loan fee enters the cost model: orderCost on the funded entry includes it', () => {
  const u = { n: 2, quoteIndex: 1, assets: ['WETH', 'USDC'] } as unknown as Universe;
  const m = flatFeeModel(u, 10);
  const withFee = withVenueCosts(m, flashFeeCost(0, 6, null));
  assert.equal(orderCost(withFee, 0, 12_000, -1), orderCost(m, 0, 12_000, -1) + 6);
  assert.equal(orderCost(withFee, 0, 0, -1), 0, 'no order, no loan, no fee');
});
