/** targetUnits: each target holds its weight of the NAV at the given prices, rounded down by less than one unit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FixtureError } from '../errors.ts';
import { targetUnits, type UnitPrice, valueE18 } from './targets.ts';

const price = fc.record({
  answer: fc.bigInt({ min: 1n, max: 10n ** 14n }),
  feedDecimals: fc.integer({ min: 0, max: 18 }),
  decimals: fc.integer({ min: 0, max: 18 }),
});

test('each target unit is worth its weight of the NAV, less than one base unit under it', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(price, fc.bigInt({ min: 0n, max: 10n ** 30n })), { minLength: 1, maxLength: 7 }),
      fc.array(fc.nat(), { minLength: 7, maxLength: 7 }),
      (comps, raw) => {
        const prices: UnitPrice[] = comps.map(([p]) => p);
        const units = comps.map(([, u]) => u);
        // whole bps summing to 10,000
        const w = raw.slice(0, comps.length).map((x) => x + 1);
        const sum = w.reduce((s, x) => s + x, 0);
        const bps = w.map((x) => Math.floor((x * 10_000) / sum));
        bps[0]! += 10_000 - bps.reduce((s, x) => s + x, 0);
        const nav = units.reduce((s, u, i) => s + valueE18(u, prices[i]!), 0n);
        const t = targetUnits(units, prices, bps);
        t.forEach((u, i) => {
          const want = (nav * BigInt(bps[i]!)) / 10_000n;
          assert.ok(valueE18(u, prices[i]!) <= want);
          assert.ok(valueE18(u + 1n, prices[i]!) + 1n >= want, `component ${i}`);
        });
      },
    ),
    { numRuns: 300 },
  );
});

test('weights must be whole bps summing to 10,000, one per component', () => {
  const p: UnitPrice = { answer: 300_000_000_000n, feedDecimals: 8, decimals: 18 };
  assert.throws(() => targetUnits([1n, 2n], [p, p], [5000, 4999]), FixtureError);
  assert.throws(() => targetUnits([1n, 2n], [p, p], [5000.5, 4999.5]), FixtureError);
  assert.throws(() => targetUnits([1n], [p, p], [5000, 5000]), FixtureError);
  assert.deepEqual(targetUnits([2n * 10n ** 17n, 0n], [p, p], [5000, 5000]), [10n ** 17n, 10n ** 17n]);
});
