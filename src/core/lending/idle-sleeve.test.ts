import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { holding, planSleeve, resleeve, type SleeveAsset, sleeveWeights, withdrawable } from './idle-sleeve.ts';

const asset = (o: Partial<SleeveAsset> & { symbol: string }): SleeveAsset => ({
  decimals: 6,
  price: 1,
  wallet: 0n,
  supplied: 0n,
  available: 0n,
  reserveSupply: 0n,
  target: 0,
  buffer: 0n,
  ...o,
});

test('aTokens count as the underlying they redeem to: value and weights include the supplied part', () => {
  const usdc = asset({ symbol: 'USDC', wallet: 500n * 10n ** 6n, supplied: 500n * 10n ** 6n, target: 0.5 });
  const weth = asset({ symbol: 'WETH', decimals: 18, price: 1000, wallet: 10n ** 18n, target: 0.5 });
  assert.equal(holding(usdc), 1000n * 10n ** 6n);
  assert.deepEqual(
    [...sleeveWeights([usdc, weth])],
    [
      ['USDC', 0.5],
      ['WETH', 0.5],
    ],
  );
  // on target: nothing traded, the sleeve kept at share 0.5
  const plan = planSleeve([usdc, weth], { share: 0.5 });
  assert.equal(plan.limited.length, 0);
  assert.equal(plan.scale, 1);
  for (const s of plan.steps) assert.equal(s.trade, 0n);
  assert.deepEqual(plan.steps[1], { symbol: 'WETH', withdraw: 0n, trade: 0n, supply: 5n * 10n ** 17n });
});

test('hand case at 100% utilisation: USDC can only sell its wallet, WETH is bought with what that sells', () => {
  // 1,000 USDC held as 100 in the wallet + 900 supplied, nothing available in the reserve; 0 WETH; target 50/50.
  const usdc = asset({
    symbol: 'USDC',
    wallet: 100n * 10n ** 6n,
    supplied: 900n * 10n ** 6n,
    available: 0n,
    reserveSupply: 10_000n * 10n ** 6n,
    target: 0.5,
  });
  const weth = asset({ symbol: 'WETH', decimals: 18, price: 2000, target: 0.5 });
  const plan = planSleeve([usdc, weth], { share: 0.5 });
  assert.equal(plan.limited.length, 1);
  const l = plan.limited[0];
  assert.equal(l?.wanted, 500n * 10n ** 6n);
  assert.equal(l?.sellable, 100n * 10n ** 6n);
  assert.match(
    l?.reason ?? '',
    /^withdraw limited: USDC would sell 500000000 but only 100000000 can leave now .*utilisation 100\.0%/,
  );
  assert.equal(plan.scale, 0.2);
  assert.deepEqual(plan.steps[0], { symbol: 'USDC', withdraw: 0n, trade: -100n * 10n ** 6n, supply: 0n });
  // 100 USDC of the 500 wanted: 0.05 WETH, half of it supplied after the swap
  assert.deepEqual(plan.steps[1], { symbol: 'WETH', withdraw: 0n, trade: 5n * 10n ** 16n, supply: 25n * 10n ** 15n });
});

test('the buffer stays liquid: the supplied part is min(share × holding, holding − buffer)', () => {
  const dai = asset({ symbol: 'DAI', decimals: 18, wallet: 100n * 10n ** 18n, target: 1, buffer: 80n * 10n ** 18n });
  const plan = planSleeve([dai], { share: 0.5 });
  assert.deepEqual(plan.steps[0], { symbol: 'DAI', withdraw: 0n, trade: 0n, supply: 20n * 10n ** 18n });
});

test('a bad share or price is one error naming the field', () => {
  assert.throws(
    () => planSleeve([asset({ symbol: 'X', target: 1 })], { share: 1.5 }),
    /idle\.share: 1\.5 is not in \[0, 1\]/,
  );
  assert.throws(
    () => planSleeve([asset({ symbol: 'X', price: 0, target: 1 })], { share: 0.5 }),
    /price of X must be > 0/,
  );
});

const arbAsset = (symbol: string) =>
  fc
    .record({
      decimals: fc.constantFrom(6, 8, 18),
      price: fc.double({ min: 0.01, max: 100_000, noNaN: true }),
      wallet: fc.bigInt({ min: 0n, max: 10n ** 24n }),
      supplied: fc.bigInt({ min: 0n, max: 10n ** 24n }),
      availableFrac: fc.double({ min: 0, max: 2, noNaN: true }),
      weight: fc.double({ min: 0.01, max: 1, noNaN: true }),
      buffer: fc.bigInt({ min: 0n, max: 10n ** 22n }),
    })
    .map((r) => ({
      symbol,
      decimals: r.decimals,
      price: r.price,
      wallet: r.wallet,
      supplied: r.supplied,
      available: BigInt(Math.floor(Number(r.supplied) * r.availableFrac)),
      reserveSupply: r.supplied * 2n,
      target: r.weight,
      buffer: r.buffer,
    }));

const arbPortfolio = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbAsset(`T${i}`))))
  .map((xs) => {
    const sum = xs.reduce((s, a) => s + a.target, 0);
    return xs.map((a) => ({ ...a, target: a.target / sum }));
  });

test('property: no sell beyond wallet + withdrawable, withdrawals within the reserve, nothing negative, every trade toward target', () => {
  fc.assert(
    fc.property(arbPortfolio, fc.double({ min: 0, max: 1, noNaN: true }), (assets, share) => {
      const plan = planSleeve(assets, { share });
      assert.ok(plan.scale >= 0 && plan.scale <= 1);
      assert.equal(
        plan.limited.length > 0,
        plan.limited.some((l) => l.reason.startsWith('withdraw limited: ')),
      );
      if (plan.limited.length === 0) assert.equal(plan.scale, 1);
      const total = assets.reduce((s, a) => s + (Number(holding(a)) / 10 ** a.decimals) * a.price, 0);
      for (const [i, a] of assets.entries()) {
        const s = plan.steps[i];
        assert.ok(s && s.symbol === a.symbol);
        const sell = s.trade < 0n ? -s.trade : 0n;
        assert.ok(sell <= a.wallet + withdrawable(a), 'sell within wallet + withdrawable');
        assert.ok(s.withdraw <= withdrawable(a), 'withdraw within min(supplied, available)');
        assert.ok(s.withdraw === 0n || s.supply === 0n, 'never withdraw and supply the same asset');
        const liquidBeforeSwap = a.wallet + s.withdraw;
        assert.ok(sell <= liquidBeforeSwap, 'the swap has the units it sells');
        const liquidAfter = liquidBeforeSwap + s.trade - s.supply;
        assert.ok(liquidAfter >= 0n, 'wallet never negative');
        const suppliedAfter = a.supplied - s.withdraw + s.supply;
        assert.ok(suppliedAfter >= 0n);
        // never past the target: the holding moves toward it
        const diff = a.target * total - (Number(holding(a)) / 10 ** a.decimals) * a.price;
        if (s.trade > 0n) assert.ok(diff > 0);
        if (s.trade < 0n) assert.ok(diff < 0);
        // the buffer: when the asset holds more than its buffer, what is supplied beyond the share is not added
        if (s.supply > 0n) assert.ok(liquidAfter >= a.buffer, 'a supply leaves the buffer liquid');
      }
    }),
    { numRuns: 500 },
  );
});

test('resleeve: on the balances the swaps left, supply up to the share, or withdraw down to it within the reserve', () => {
  const weth = asset({ symbol: 'WETH', decimals: 18, wallet: 10n ** 18n, target: 0.5 });
  const usdc = asset({ symbol: 'USDC', supplied: 900n, available: 100n, target: 0.5 });
  assert.deepEqual(resleeve([weth, usdc], { share: 0.5 }), [
    { symbol: 'WETH', withdraw: 0n, trade: 0n, supply: 5n * 10n ** 17n },
    // 450 should come out, the reserve lets 100 go
    { symbol: 'USDC', withdraw: 100n, trade: 0n, supply: 0n },
  ]);
});
