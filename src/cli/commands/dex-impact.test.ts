import assert from 'node:assert/strict';
import { test } from 'node:test';
import { impactWarning, priceImpact } from './dex-quote.ts';

test('price impact: the trade’s rate against a trade a millionth its size; above 10% it warns', () => {
  // A probe gets 3000 per unit; the trade 2500 per unit: 16.7% worse.
  const impact = priceImpact(10n ** 21n, 25n * 10n ** 23n, 10n ** 15n, 3n * 10n ** 18n);
  assert.ok(Math.abs(impact - 1 / 6) < 1e-12);
  assert.equal(
    impactWarning(impact, '1000', 'WETH'),
    'warning: --amount 1000 WETH moves the price 16.7% (more than 10%): the pools are thin for this size; trade less or in parts',
  );
  assert.equal(impactWarning(0.099, '1', 'WETH'), null);
  assert.equal(priceImpact(10n, 30n, 0n, 0n), 0, 'no probe: no impact to report');
});
