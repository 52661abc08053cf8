import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Address } from 'viem';
import type { JointLeg } from '../../dex/router/joint/index.ts';
import type { FixturePool } from '../fixture/types.ts';
import { contractPulls } from './calldata.ts';
import { encodeSteps, FROM_PAYER, groupBalancer, NEW_BATCH, ONE, STEP_KIND, TO_NEXT_PAIR, TO_OWNER } from './legs.ts';

const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const [WETH, USDC, LINK, WBTC] = [A(1), A(2), A(3), A(4)];
const pools: FixturePool[] = [
  { protocol: 'uniswap-v2', address: A(100), tokens: [WETH, USDC], symbols: [], feePips: 3000, label: 'v2 a' },
  { protocol: 'uniswap-v2', address: A(101), tokens: [WETH, LINK], symbols: [], feePips: 3000, label: 'v2 b' },
  { protocol: 'uniswap-v3', address: A(102), tokens: [WETH, USDC], symbols: [], feePips: 500, label: 'v3' },
  {
    protocol: 'balancer-weighted',
    address: A(103),
    poolId: `0x${'ab'.repeat(32)}`,
    tokens: [WETH, WBTC],
    symbols: [],
    feePips: 2000,
    label: 'bal',
  },
  {
    protocol: 'uniswap-v4',
    address: `0x${'cd'.repeat(32)}` as Address,
    poolId: `0x${'cd'.repeat(32)}`,
    tokens: [WETH, USDC],
    symbols: [],
    feePips: 500,
    tickSpacing: 10,
    label: 'v4 a',
  },
  {
    protocol: 'uniswap-v4',
    address: `0x${'ce'.repeat(32)}` as Address,
    poolId: `0x${'ce'.repeat(32)}`,
    tokens: [WETH, WBTC],
    symbols: [],
    feePips: 3000,
    tickSpacing: 60,
    label: 'v4 b',
  },
];
const V4A = `0x${'cd'.repeat(32)}` as Address;
const V4B = `0x${'ce'.repeat(32)}` as Address;
const leg = (
  pool: number,
  tokenIn: Address,
  tokenOut: Address,
  amountIn: bigint,
  amountOut: bigint,
  final = true,
): JointLeg => ({
  pool: pool === 1 ? V4A : pool === 2 ? V4B : A(pool),
  protocol: pools.find((p) => p.address === (pool === 1 ? V4A : pool === 2 ? V4B : A(pool)))!.protocol,
  tokenIn,
  tokenOut,
  amountIn,
  amountOut,
  final,
  ticksCrossed: 0,
  gas: 0,
});

/** The contract's amount for a share of a balance. */
const onChain = (bal: bigint, share: bigint) => (share === ONE ? bal : (bal * share) / ONE);

test('shares give back each leg’s planned input exactly when the balance is as planned (any split of a pull)', () => {
  fc.assert(
    fc.property(fc.array(fc.bigInt({ min: 1n, max: 10n ** 30n }), { minLength: 1, maxLength: 6 }), (amounts) => {
      const total = amounts.reduce((s, x) => s + x, 0n);
      const legs = amounts.map((x) => leg(100, USDC, WETH, x, 1n));
      const steps = encodeSteps(legs, [{ token: USDC, amount: total }], pools, () => 1n, { fromOwner: false });
      let bal = total;
      steps.forEach((s, i) => {
        const got = onChain(bal, s.share);
        assert.equal(got, amounts[i]);
        bal -= got;
      });
      assert.equal(bal, 0n);
      assert.equal(steps[steps.length - 1]!.share, ONE, 'the last consumer takes all');
    }),
  );
});

test('a path: the hub hop spends everything, only the final step has a minimum; v2 → v2 pays the next pair', () => {
  const steps = encodeSteps(
    [leg(100, USDC, WETH, 1000n, 7n, false), leg(101, WETH, LINK, 7n, 50n)],
    [{ token: USDC, amount: 1000n }],
    pools,
    (l) => l.amountOut - 1n,
  );
  assert.deepEqual(
    steps.map((s) => [s.kind, s.flags, s.share, s.minOut]),
    [
      [STEP_KIND['uniswap-v2'], TO_NEXT_PAIR | FROM_PAYER, 1000n, 0n],
      [STEP_KIND['uniswap-v2'], TO_OWNER, ONE, 49n],
    ],
  );
});

test('Balancer legs are brought together into one batchSwap when the legs allow it', () => {
  const legs = [
    leg(103, WETH, WBTC, 1n, 1n),
    leg(100, WETH, USDC, 1n, 1n),
    leg(103, WETH, WBTC, 1n, 1n),
    leg(102, WETH, USDC, 1n, 1n),
  ];
  const ordered = groupBalancer(legs, [{ token: WETH, amount: 4n }]);
  assert.deepEqual(
    ordered.map((l) => l.pool),
    [A(100), A(102), A(103), A(103)],
  );
  const steps = encodeSteps(legs, [{ token: WETH, amount: 4n }], pools, () => 1n);
  assert.equal(steps.filter((s) => (s.flags & NEW_BATCH) !== 0).length, 0, 'one batchSwap');
  // legs already grouped keep the router's order
  const dep = [leg(100, USDC, WETH, 5n, 2n, false), leg(103, WETH, WBTC, 2n, 1n), leg(103, WETH, WBTC, 1n, 1n)];
  assert.deepEqual(
    groupBalancer(dep, [
      { token: USDC, amount: 5n },
      { token: WETH, amount: 1n },
    ]),
    dep,
  );
});

test('v4 legs: brought together into one unlock, the PoolKey fee and tick spacing in the step, a chained hop spends share 0', () => {
  // USDC→WETH on v4, a v2 leg between, then WETH→WBTC on v4 spending the first v4 hop's output
  const legs = [leg(1, USDC, WETH, 1000n, 5n, false), leg(101, LINK, WETH, 7n, 3n), leg(2, WETH, WBTC, 5n, 1n)];
  const steps = encodeSteps(
    legs,
    [
      { token: USDC, amount: 1000n },
      { token: LINK, amount: 7n },
    ],
    pools,
    () => 1n,
  );
  assert.deepEqual(
    steps.map((s) => s.kind),
    [STEP_KIND['uniswap-v2'], STEP_KIND['uniswap-v4'], STEP_KIND['uniswap-v4']],
    'the v2 leg first, then both v4 legs in one run',
  );
  assert.deepEqual(
    steps.slice(1).map((s) => [s.fee, BigInt(s.poolId), s.share, s.minOut]),
    [
      [500, 10n, 1000n, 0n],
      [3000, 60n, 0n, 1n],
    ],
  );
});

test('FROM_PAYER: a v2/v3/v4 leg selling a token the owner sells and no leg buys is paid from the owner, exact amount; the rest is pulled', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(100, 102, 103, 1), fc.bigInt({ min: 1n, max: 10n ** 24n })), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.boolean(),
      (spec, wethBought) => {
        // WETH sold through v2 (100), v3 (102), Balancer (103), v4 (1); optionally a LINK→WETH leg buying WETH
        const legs = spec.map(([p, x]) => leg(p, WETH, p === 103 ? WBTC : USDC, x, 1n));
        if (wethBought) legs.push(leg(101, LINK, WETH, 5n, 1n));
        const total = spec.reduce((s, [, x]) => s + x, 0n);
        const pulls = [{ token: WETH, amount: total }, ...(wethBought ? [{ token: LINK, amount: 5n }] : [])];
        const steps = encodeSteps(legs, pulls, pools, () => 1n);
        const direct = steps.filter((s) => s.tokenIn === WETH && (s.flags & FROM_PAYER) !== 0);
        for (const s of steps.filter((x) => x.tokenIn === WETH)) {
          const payer = (s.flags & FROM_PAYER) !== 0;
          // WETH bought by a leg: nothing is paid from the owner; else every non-Balancer leg is, its exact amount
          assert.equal(payer, !wethBought && s.kind !== STEP_KIND.balancer);
          if (payer) assert.equal(s.share, s.amountIn);
        }
        const paid = direct.reduce((a, s) => a + s.share, 0n);
        const pulled = contractPulls({ pulls, legs: steps }).find((p) => p.token === WETH)?.amount ?? 0n;
        assert.equal(pulled + paid, total, 'pulled + paid from the owner = what the owner sells');
      },
    ),
  );
  assert.throws(
    () =>
      contractPulls({
        pulls: [],
        legs: encodeSteps([leg(100, WETH, USDC, 5n, 1n)], [{ token: WETH, amount: 5n }], pools, () => 1n),
      }),
    /not spent by the batch/,
  );
});
