import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { chooseMultiFunding, type FundingQuote } from './flash-funding.ts';
import {
  applyMulti,
  type MultiLeg,
  multiCollateralValue,
  multiDebtValue,
  multiHealthFactor,
  multiNetWeights,
  multiTargetWeights,
  planMulti,
  sourcesFirstAllowed,
  validateMulti,
} from './multi-position.ts';

const leg = (
  symbol: string,
  role: MultiLeg['role'],
  price: number,
  decimals: number,
  whole: number,
  share: number,
  lt = 0.8,
): MultiLeg => ({
  symbol,
  role,
  price,
  decimals,
  amount: BigInt(Math.round(whole * 10 ** Math.min(decimals, 6))) * 10n ** BigInt(Math.max(0, decimals - 6)),
  share,
  liquidationThreshold: lt,
  maxLtv: lt - 0.03,
});

const position = (weth: number, wbtc: number, usdc: number, dai: number, s = [0.6, 0.4, 0.7, 0.3]) => [
  leg('WETH', 'collateral', 3000, 18, weth, s[0]!, 0.825),
  leg('WBTC', 'collateral', 60_000, 8, wbtc, s[1]!, 0.75),
  leg('USDC', 'debt', 1, 6, usdc, s[2]!),
  leg('DAI', 'debt', 1, 18, dai, s[3]!),
];

const ltvOf = (legs: readonly MultiLeg[]) => multiDebtValue(legs) / multiCollateralValue(legs);

test('two collateral and two debt assets: the plan lands on the target LTV and shares after costs', () => {
  const legs = position(10, 0.1, 20_000, 2_000); // C = 36,000, D = 22,000: LTV 61%
  const p = planMulti(legs, { minHealthFactor: 1.3, targetLtv: 0.4 }, 0.01);
  assert.equal(p.needsLoan, true, 'deleveraging a 61% position needs its repayment first');
  const after = applyMulti(legs, p.deltas);
  assert.ok(Math.abs(ltvOf(after) - 0.4) < 1e-4, `LTV ${ltvOf(after)}`);
  const w = multiNetWeights(after);
  const tw = multiTargetWeights(after, 0.4);
  for (const [i, x] of w.entries()) assert.ok(Math.abs(x - tw[i]!) < 1e-3, `${after[i]!.symbol} ${x} vs ${tw[i]}`);
  assert.ok(multiHealthFactor(after) >= 1.3);
  // the loan is exactly the sinks: DAI repaid and WBTC supplied... here: both debts repaid
  p.loans.forEach((x, i) => {
    const d = p.deltas[i]!;
    const sink = after[i]!.role === 'collateral' ? d > 0n : d < 0n;
    assert.equal(x, sink ? (d < 0n ? -d : d) : 0n);
  });
});

test('a collateral swap with borrowing power to spare takes no loan', () => {
  const legs = position(10, 0.5, 5_000, 5_000, [0.2, 0.8, 0.5, 0.5]); // C = 60,000, D = 10,000
  const p = planMulti(legs, { minHealthFactor: 1.5 }, 0.01);
  assert.equal(p.needsLoan, false);
  assert.ok(p.loans.every((x) => x === 0n));
  assert.ok(p.deltas[0]! < 0n && p.deltas[1]! > 0n, 'WETH withdrawn, WBTC supplied');
});

test('bad targets are refused naming the field', () => {
  assert.throws(
    () => validateMulti(position(1, 1, 1, 1, [0.5, 0.4, 0.5, 0.5]), { minHealthFactor: 1.5 }),
    /chain\.lending\.shares: the collateral assets' shares sum to 0\.9/,
  );
  assert.throws(
    () => validateMulti(position(1, 1, 1, 1), { minHealthFactor: 1.5, targetLtv: 0.6 }),
    /chain\.lending\.targetLtv: 0\.6 .* below minHealthFactor 1\.5/,
  );
  const dup = [...position(1, 1, 1, 1).slice(0, 3), { ...position(1, 1, 1, 1)[3]!, symbol: 'WETH' }];
  assert.throws(() => validateMulti(dup, { minHealthFactor: 1.5 }), /WETH is both collateral and debt/);
});

test('the loan chooser: one lender for every token, the cheaper in the quote; v3 only for one token', () => {
  const q = (lender: FundingQuote['lender'], feeRate: bigint, available: bigint, pool?: string): FundingQuote => ({
    lender,
    feeRate,
    available,
    ...(pool ? { pool } : {}),
  });
  const quotes = new Map([
    [
      '0xa',
      [q('balancer', 10n ** 15n, 10n ** 30n), q('aave', 5n, 10n ** 30n), q('uniswap-v3', 100n, 10n ** 30n, '0xp')],
    ],
    ['0xb', [q('balancer', 10n ** 15n, 10n ** 30n), q('aave', 5n, 10n ** 30n)]],
  ]);
  const two = chooseMultiFunding(
    [
      { token: '0xA', amount: 10n ** 18n, pricePerUnit: 1e-18 },
      { token: '0xB', amount: 10n ** 18n, pricePerUnit: 1e-18 },
    ],
    quotes,
  );
  assert.equal(two?.lender, 'aave'); // 5 bps < 10 bps
  assert.deepEqual(
    two?.loans.map((l) => l.fee),
    [5n * 10n ** 14n, 5n * 10n ** 14n],
  );
  const one = chooseMultiFunding([{ token: '0xa', amount: 10n ** 18n, pricePerUnit: 1e-18 }], quotes);
  assert.equal(one?.lender, 'uniswap-v3'); // 1 bp
  assert.equal(chooseMultiFunding([{ token: '0xa', amount: 0n, pricePerUnit: 1 }], quotes), null);
});

const arb = fc.record({
  weth: fc.double({ min: 0.5, max: 100, noNaN: true }),
  wbtc: fc.double({ min: 0.01, max: 5, noNaN: true }),
  ltv: fc.double({ min: 0, max: 0.7, noNaN: true }),
  usdcShare: fc.double({ min: 0, max: 1, noNaN: true }),
  s0: fc.double({ min: 0, max: 1, noNaN: true }),
  t0: fc.double({ min: 0, max: 1, noNaN: true }),
  target: fc.option(fc.double({ min: 0, max: 0.5, noNaN: true }), { nil: undefined }),
  cost: fc.double({ min: 0, max: 0.02, noNaN: true }),
});

test('property: a plan that needs no loan never takes one; HF ≥ floor after; net exposure kept within costs', () => {
  fc.assert(
    fc.property(arb, (a) => {
      const C = a.weth * 3000 + a.wbtc * 60_000;
      const D = C * a.ltv;
      const legs = position(a.weth, a.wbtc, D * a.usdcShare, D * (1 - a.usdcShare), [a.s0, 1 - a.s0, a.t0, 1 - a.t0]);
      const floor = 1.2;
      const p = planMulti(
        legs,
        { minHealthFactor: floor, ...(a.target !== undefined ? { targetLtv: a.target } : {}) },
        a.cost,
      );
      const after = applyMulti(legs, p.deltas);
      // a loan exactly when the withdrawals and borrows cannot run first
      assert.equal(p.needsLoan, !sourcesFirstAllowed(legs, p.deltas) && p.deltas.some((d) => d !== 0n));
      if (!p.needsLoan)
        assert.ok(
          p.loans.every((x) => x === 0n),
          'no loan when none is needed',
        );
      if (p.deltas.every((d) => d === 0n)) return;
      assert.ok(multiHealthFactor(after) >= floor * (1 - 1e-6), `HF ${multiHealthFactor(after)}`);
      assert.ok(after.every((l) => l.amount >= 0n));
      const before = multiCollateralValue(legs) - multiDebtValue(legs);
      const net = multiCollateralValue(after) - multiDebtValue(after);
      // the equity falls by at most the costs of what is sold (the swaps' output beyond the sinks goes to the wallet)
      assert.ok(net <= before + 1e-6 * C + 1, `net ${net} > ${before}`);
      assert.ok(before - net <= a.cost * p.sold + 1e-6 * C + 1, `lost ${before - net} > ${a.cost * p.sold}`);
    }),
    { numRuns: Number(process.env.BALLAST_PROPERTY_RUNS ?? 300) },
  );
});
