/**
 * BallastBasket item 3 of issue #20 on anvil: the keeper's rebalance through allowed v2/v3 pools, checked on-chain;
 * each bound violated alone reverts with its named error (not due, within band, drift grew, loss too high,
 * turnover, pool not allowed, stale / out-of-bounds / non-positive oracle, deadline, non-keeper before the window,
 * a leg below its minimum); after the keeper window anyone may call under the same checks; a calendar profile;
 * a forged pool callback reverts; properties (fast-check): no accepted rebalance increases any asset's drift.
 * Runs: BASKET_RUNS (default 8) per property.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { Address } from 'viem';
import type { BasketLeg, BasketProfile } from '../../src/chain/basket/artifact.ts';
import { readBasket, readValuation } from '../../src/chain/basket/read.ts';
import {
  ACCOUNT1,
  basketRevert,
  basketSend,
  deadline,
  defaultProfile,
  deployTestBasket,
  drifts,
  legsToTarget,
  refreshFeeds,
  tok,
  warp,
} from './basket-world.ts';
import { feedAbi, startWorld, type World } from './setup.ts';

const RUNS = Number(process.env.BASKET_RUNS ?? 8);
const E18 = 10n ** 18n;
const SYMS = ['WETH', 'USDC', 'WBTC'] as const;
const TARGETS = [3334, 3333, 3333];

let w: World;
/** A $20k basket 50/25/25 against targets 33/33/33, an interval after its deployment: due for the keeper. */
let basket: Address;
let due: `0x${string}`;

before(async () => {
  w = await startWorld();
  await refreshFeeds(w);
  basket = await deployTestBasket(w, { symbols: SYMS, targetBps: TARGETS, genesisBps: [5000, 2500, 2500] });
  await basketSend(w, basket, 'issue', [200n * E18, w.account.address]);
  await warp(w, 3600);
  await refreshFeeds(w);
  due = await w.clients.test.snapshot();
});
after(async () => {
  await w?.node.stop();
});

/** Runs `f` from the due state, then goes back to it. */
async function fromDue(f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } finally {
    await w.clients.test.revert({ id: due });
    due = await w.clients.test.snapshot();
  }
}

const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);
const legs = (frac = 1) => legsToTarget(w, basket, SYMS, TARGETS, frac);
const zeros = (l: readonly unknown[]) => l.map(() => 0n);
const withProfile = async (patch: Partial<BasketProfile>) =>
  basketSend(w, basket, 'proposeProfile', [
    { ...(await defaultProfile(w, { symbols: SYMS, targetBps: TARGETS })), ...patch },
  ]);

test('the keeper rebalances toward the targets: every drift falls, loss within the profile, lastRebalance set', async () => {
  await fromDue(async () => {
    const d0 = await drifts(w, basket, TARGETS);
    const v0 = await readValuation(w.clients.public, basket);
    const l = await legs();
    // the WETH→USDC leg through the allowed v3 0.05% pool (its callback pays the pool from the basket)
    const viaV3 = l.map((x): BasketLeg => (x.tokenOut === tok(w, 'USDC') ? { ...x, kind: 1, fee: 500 } : x));
    await basketSend(w, basket, 'rebalance', [viaV3, zeros(l), await deadline(w)]);
    const d1 = await drifts(w, basket, TARGETS);
    const v1 = await readValuation(w.clients.public, basket);
    for (const [i, d] of d1.entries()) assert.ok(d < d0[i]!, `asset ${i}: ${d0[i]} → ${d}`);
    assert.ok(sum(d1) * 20n < sum(d0), `drift sum ${sum(d0)} → ${sum(d1)}`);
    assert.ok(v1.nav < v0.nav && (v0.nav - v1.nav) * 10_000n <= v0.nav * 100n);
    const s = await readBasket(w.clients.public, basket);
    assert.equal(s.lastRebalance, (await w.clients.public.getBlock()).timestamp);
    // one rebalance per interval: the next one is not due, whoever calls
    assert.equal(await basketRevert(w, basket, 'rebalance', [l, zeros(l), await deadline(w)]), 'NotDue');
  });
});

test('each bound violated alone reverts with its named error', async () => {
  const l = await legs();
  const dl = await deadline(w);
  const ok = await basketRevert(w, basket, 'rebalance', [l, zeros(l), dl]);
  assert.equal(ok, 'ok', 'the reference rebalance passes');
  const cases: [string, () => Promise<string>][] = [
    ['Expired', async () => basketRevert(w, basket, 'rebalance', [l, zeros(l), dl - 1200n])],
    ['NotKeeper', async () => basketRevert(w, basket, 'rebalance', [l, zeros(l), dl], ACCOUNT1)],
    [
      'DriftGrew',
      async () => {
        const over = await legs(2.5);
        return basketRevert(w, basket, 'rebalance', [over, zeros(over), dl]);
      },
    ],
    [
      'LossTooHigh',
      async () => {
        await withProfile({ maxLossBps: 1 });
        return basketRevert(w, basket, 'rebalance', [l, zeros(l), dl]);
      },
    ],
    [
      'TurnoverTooHigh',
      async () => {
        await withProfile({ maxTurnoverBps: 100 });
        return basketRevert(w, basket, 'rebalance', [l, zeros(l), dl]);
      },
    ],
    [
      'PoolNotAllowed',
      async () => {
        // a genuine pool (WBTC/WETH v3 0.05%) that the profile does not list
        const p = l.map((x): BasketLeg => (x.tokenOut === tok(w, 'WBTC') ? { ...x, kind: 1, fee: 500 } : x));
        return basketRevert(w, basket, 'rebalance', [p, zeros(p), dl]);
      },
    ],
    [
      'BadLeg',
      async () => {
        const p = [{ ...l[0]!, tokenOut: tok(w, 'LINK') }];
        return basketRevert(w, basket, 'rebalance', [p, [0n], dl]);
      },
    ],
    [
      'BadLeg',
      async () => {
        // 2^255: as a v3 amount it would be negative, an exact-output swap
        const p = [{ ...l[0]!, kind: 1 as const, fee: 500, amountIn: 2n ** 255n }];
        return basketRevert(w, basket, 'rebalance', [p, [0n], dl]);
      },
    ],
    ['LegOutputTooLow', async () => basketRevert(w, basket, 'rebalance', [l, l.map(() => 10n ** 30n), dl])],
    [
      'StaleOracle',
      async () => {
        await w.tx.call(w.feeds.WBTC!.address, feedAbi, 'setUpdatedAt', [dl - 600n - 3661n], 'age WBTC');
        return basketRevert(w, basket, 'rebalance', [l, zeros(l), dl]);
      },
    ],
    [
      'OracleOutOfBounds',
      async () => {
        await w.tx.call(w.feeds.USDC!.address, feedAbi, 'setAnswer', [10n ** 20n, 0n], 'USDC at its max');
        return basketRevert(w, basket, 'rebalance', [l, zeros(l), dl]);
      },
    ],
    [
      'BadOracle',
      async () => {
        await w.tx.call(w.feeds.WETH!.address, feedAbi, 'setAnswer', [0n, 0n], 'WETH at 0');
        return basketRevert(w, basket, 'rebalance', [l, zeros(l), dl]);
      },
    ],
  ];
  for (const [want, run] of cases) {
    let got = '';
    await fromDue(async () => {
      got = await run();
    });
    assert.equal(got, want);
  }
});

test('not due: before the interval since deployment, and a band profile inside its band', async () => {
  const fresh = await deployTestBasket(w, { symbols: SYMS, targetBps: TARGETS, genesisBps: [5000, 2500, 2500] });
  await basketSend(w, fresh, 'issue', [100n * E18, w.account.address]);
  const l = await legsToTarget(w, fresh, SYMS, TARGETS);
  assert.equal(await basketRevert(w, fresh, 'rebalance', [l, zeros(l), await deadline(w)]), 'NotDue');
  const near = await deployTestBasket(w, { symbols: SYMS, targetBps: TARGETS, genesisBps: [3434, 3283, 3283] });
  await basketSend(w, near, 'issue', [100n * E18, w.account.address]);
  const snap = await w.clients.test.snapshot();
  try {
    await warp(w, 3600);
    await refreshFeeds(w);
    const ln = await legsToTarget(w, near, SYMS, TARGETS);
    assert.equal(await basketRevert(w, near, 'rebalance', [ln, zeros(ln), await deadline(w)]), 'WithinBand');
    // the same basket under a calendar profile: due because the interval elapsed
    await basketSend(w, near, 'proposeProfile', [
      { ...(await defaultProfile(w, { symbols: SYMS, targetBps: TARGETS })), calendar: true },
    ]);
    await basketSend(w, near, 'rebalance', [ln, zeros(ln), await deadline(w)]);
  } finally {
    await w.clients.test.revert({ id: snap });
  }
});

test('keeper absent longer than the window: anyone may rebalance, under the same checks', async () => {
  await fromDue(async () => {
    await warp(w, 86_400);
    await refreshFeeds(w);
    const l = await legs();
    const over = await legs(2.5);
    assert.equal(
      await basketRevert(w, basket, 'rebalance', [over, zeros(over), await deadline(w)], ACCOUNT1),
      'DriftGrew',
    );
    await withProfile({ maxLossBps: 1 });
    assert.equal(await basketRevert(w, basket, 'rebalance', [l, zeros(l), await deadline(w)], ACCOUNT1), 'LossTooHigh');
    await withProfile({});
    await basketSend(w, basket, 'rebalance', [l, zeros(l), await deadline(w)], ACCOUNT1);
    // the window restarts at that rebalance, and nobody (the keeper included) rebalances twice in one interval
    const again = await legs();
    const dl = await deadline(w);
    assert.equal(await basketRevert(w, basket, 'rebalance', [again, zeros(again), dl], ACCOUNT1), 'NotKeeper');
    assert.equal(await basketRevert(w, basket, 'rebalance', [again, zeros(again), dl]), 'NotDue');
  });
});

test('a forged pool callback into the basket reverts ForgedCallback (from an account, outside any swap)', async () => {
  for (const from of [w.account.address, ACCOUNT1]) {
    assert.equal(
      await basketRevert(w, basket, 'uniswapV3SwapCallback', [10n ** 18n, 0n, '0x'], from),
      'ForgedCallback',
    );
  }
});

/**
 * Random legs: each toward-target leg scaled by its own factor in [0, 3] (0 drops it). Whatever the basket
 * accepts, no traded asset's drift grew at all, no untraded asset's weight rose beyond w_before × NAV_before /
 * NAV_after (floor(v_before × 1e18 / NAV_after)), and the sum fell.
 */
test('property: no accepted rebalance grows any traded asset drift; untraded weights move only by the NAV effect', async () => {
  const pair = await deployTestBasket(w, { symbols: ['WETH', 'USDC'], genesisBps: [7000, 3000] });
  await basketSend(w, pair, 'issue', [200n * E18, w.account.address]);
  await warp(w, 3600);
  await refreshFeeds(w);
  const counts = { accepted: 0, refused: 0 };
  for (const [b, syms, targets] of [
    [basket, SYMS, TARGETS],
    [pair, ['WETH', 'USDC'], [5000, 5000]],
  ] as const) {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 3, maxLength: 3 }), async (pcts) => {
        const snap = await w.clients.test.snapshot();
        try {
          const full = await legsToTarget(w, b, syms, targets);
          const l = full
            .map((x, i) => ({ ...x, amountIn: (x.amountIn * BigInt(pcts[i % 3]!)) / 100n }))
            .filter((x) => x.amountIn > 0n);
          if (l.length === 0) return;
          const d0 = await drifts(w, b, targets);
          const v0 = await readValuation(w.clients.public, b);
          const why = await basketRevert(w, b, 'rebalance', [l, zeros(l), await deadline(w)]);
          if (why !== 'ok') {
            counts.refused++;
            assert.ok(['DriftGrew', 'DriftNotReduced', 'LossTooHigh'].includes(why), why);
            return;
          }
          await basketSend(w, b, 'rebalance', [l, zeros(l), await deadline(w)]);
          counts.accepted++;
          const d1 = await drifts(w, b, targets);
          const v1 = await readValuation(w.clients.public, b);
          const traded = new Set(l.flatMap((x) => [x.tokenIn, x.tokenOut]));
          const assets = syms.map((s) => tok(w, s));
          for (const [i, d] of d1.entries()) {
            if (traded.has(assets[i]!)) assert.ok(d <= d0[i]!, `traded asset ${i}: ${d0[i]} → ${d}`);
            else assert.ok((v1.values[i]! * E18) / v1.nav <= (v0.values[i]! * E18) / v1.nav, `untraded asset ${i}`);
          }
          assert.ok(sum(d1) < sum(d0));
        } finally {
          await w.clients.test.revert({ id: snap });
        }
      }),
      { numRuns: RUNS, seed: 22 },
    );
  }
  console.log(`drift property: ${counts.accepted} accepted, ${counts.refused} refused`);
  assert.ok(counts.accepted > 0);
});
