import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Address } from 'viem';
import { type BasketProfile, NO_POOL_ID } from './artifact.ts';
import { changeText, profileChanges } from './profile-diff.ts';

const A = '0x00000000000000000000000000000000000000A1' as Address;
const B = '0x00000000000000000000000000000000000000b2' as Address;
const FEED_A = '0x00000000000000000000000000000000000000f1' as Address;
const FEED_B = '0x00000000000000000000000000000000000000f2' as Address;
const names: Record<string, string> = { [A.toLowerCase()]: 'WETH', [B.toLowerCase()]: 'USDC' };
const name = (a: Address) => names[a.toLowerCase()] ?? a;
const SYMBOLS = ['WETH', 'USDC'];

const base: BasketProfile = {
  targetBps: [5000, 5000],
  bandAbsBps: 200,
  bandRelBps: 0,
  calendar: false,
  minInterval: 3600,
  maxLossBps: 100,
  maxTurnoverBps: 10_000,
  keeper: '0x00000000000000000000000000000000000000Ee' as Address,
  keeperWindow: 86_400,
  feeBps: 0,
  feeRecipient: '0x0000000000000000000000000000000000000000' as Address,
  feeds: [
    { feed: FEED_A, heartbeat: 3660, minAnswer: 1n, maxAnswer: 10n ** 12n },
    { feed: FEED_B, heartbeat: 3660, minAnswer: 1n, maxAnswer: 10n ** 12n },
  ],
  pools: [
    { kind: 0, tokenA: A, tokenB: B, fee: 0, poolId: NO_POOL_ID },
    { kind: 1, tokenA: A, tokenB: B, fee: 500, poolId: NO_POOL_ID },
  ],
};

test('the changes of a proposal: each field that differs, from the active value to the proposed one, in profile order', () => {
  const pending: BasketProfile = { ...base, targetBps: [6000, 4000], bandAbsBps: 300, maxLossBps: 150 };
  assert.deepEqual(profileChanges(base, pending, SYMBOLS, name), [
    { field: 'target.WETH', from: 0.5, to: 0.6 },
    { field: 'target.USDC', from: 0.5, to: 0.4 },
    { field: 'bandAbsBps', from: 200, to: 300 },
    { field: 'maxLossBps', from: 100, to: 150 },
  ]);
});

test('as text: targets in percent, other fields as stored', () => {
  const pending: BasketProfile = { ...base, targetBps: [6000, 4000], calendar: true };
  assert.deepEqual(profileChanges(base, pending, SYMBOLS, name).map(changeText), [
    'target.WETH 50.00% → 60.00%',
    'target.USDC 50.00% → 40.00%',
    'calendar false → true',
  ]);
});

test('a proposal equal to the active profile changes nothing; an address differing only in case is the same', () => {
  assert.deepEqual(profileChanges(base, { ...base }, SYMBOLS, name), []);
  const recased: BasketProfile = {
    ...base,
    keeper: base.keeper.toLowerCase() as Address,
    feeds: base.feeds.map((f) => ({ ...f, feed: f.feed.toUpperCase().replace('0X', '0x') as Address })),
    pools: [...base.pools].reverse(),
  };
  assert.deepEqual(profileChanges(base, recased, SYMBOLS, name), [], 'case and pool order are not changes');
});

test('feeds and pools: named by asset, with both values', () => {
  const pending: BasketProfile = {
    ...base,
    feeds: [base.feeds[0]!, { ...base.feeds[1]!, heartbeat: 90_000 }],
    pools: [base.pools[0]!],
    keeper: B,
  };
  assert.deepEqual(profileChanges(base, pending, SYMBOLS, name), [
    { field: 'keeper', from: base.keeper.toLowerCase(), to: B.toLowerCase() },
    {
      field: 'feed.USDC',
      from: `${FEED_B} heartbeat 3660 s, answers in (1, 1000000000000)`,
      to: `${FEED_B} heartbeat 90000 s, answers in (1, 1000000000000)`,
    },
    { field: 'pools', from: 'v2 WETH/USDC, v3 WETH/USDC fee 500', to: 'v2 WETH/USDC' },
  ]);
});

const SCALARS = [
  'bandAbsBps',
  'bandRelBps',
  'minInterval',
  'maxLossBps',
  'maxTurnoverBps',
  'keeperWindow',
  'feeBps',
] as const;

test('property: the changed fields are exactly the scalar fields and targets that differ, each once, from → to', () => {
  const scalar = fc.integer({ min: 0, max: 10_000 });
  const profile: fc.Arbitrary<Record<string, number | boolean>> = fc.record({
    t: fc.integer({ min: 0, max: 10_000 }),
    calendar: fc.boolean(),
    ...Object.fromEntries(SCALARS.map((k) => [k, scalar])),
  });
  fc.assert(
    fc.property(profile, profile, (x, y) => {
      const mk = (r: Record<string, number | boolean>): BasketProfile => ({
        ...base,
        ...Object.fromEntries(SCALARS.map((k) => [k, r[k]])),
        calendar: r.calendar as boolean,
        targetBps: [r.t as number, 10_000 - (r.t as number)],
      });
      const a = mk(x);
      const b = mk(y);
      const got = profileChanges(a, b, SYMBOLS, name);
      const fields = got.map((c) => c.field);
      assert.equal(new Set(fields).size, fields.length, 'each field once');
      const want = [
        ...(x.t === y.t ? [] : ['target.WETH', 'target.USDC']),
        ...['bandAbsBps', 'bandRelBps', 'calendar', 'minInterval', 'maxLossBps', 'maxTurnoverBps'].filter(
          (k) => x[k] !== y[k],
        ),
        ...['keeperWindow', 'feeBps'].filter((k) => x[k] !== y[k]),
      ];
      assert.deepEqual(fields, want);
      for (const c of got) {
        const key = c.field.startsWith('target.') ? null : (c.field as keyof BasketProfile);
        if (key === null) {
          const i = SYMBOLS.indexOf(c.field.slice(7));
          assert.deepEqual([c.from, c.to], [a.targetBps[i]! / 10_000, b.targetBps[i]! / 10_000]);
        } else assert.deepEqual([c.from, c.to], [a[key], b[key]]);
      }
    }),
    { numRuns: 300 },
  );
});
