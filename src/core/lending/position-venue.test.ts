import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parsePortfolio } from '../config/parse.ts';
import { makeCostModel, withVenueCosts } from '../costs.ts';
import { decideCycle, type TriggerVerdict } from '../cycle-decision.ts';
import { compilePortfolio } from '../decide.ts';
import { makePlanContext } from '../planner/context.ts';
import { describePlan } from '../planner/describe.ts';
import { planInto } from '../planner/plan.ts';
import { makeSnapshot } from '../snapshot.ts';
import { makeUniverse } from '../universe.ts';
import { weightsInto } from '../valuation.ts';
import { flashFeeCost } from './flash-funding.ts';
import {
  flashFeeNote,
  type LendingCycleView,
  multiPositionHoldings,
  multiTargetOf,
  positionHoldings,
  positionVerdict,
  withHealthFloor,
} from './position-venue.ts';

const view = (over: Partial<LendingCycleView> = {}): LendingCycleView => ({
  collateral: 'WETH',
  debt: 'USDC',
  collateralValue: 20_000,
  debtValue: 14_000,
  ltv: 0.7,
  healthFactor: 0.825 / 0.7,
  minHealthFactor: 1.5,
  flash: { lender: 'aave', fee: '4200000', feeQuote: 4.2 },
  ...over,
});

/** A portfolio of the position (target LTV `t`) with a cost-aware trigger, compiled with a flash fee. */
function compiled(t: number, fee: number, riskAversion: number, feeBps: number) {
  const p = parsePortfolio(
    {
      quote: 'USDC',
      target: { WETH: 1 - t, USDC: t },
      trigger: { type: 'costaware', riskAversion, horizon: 30, warmup: 2 },
      costs: { feeBps, halfSpreadBps: 0 },
    },
    'test',
  );
  const u = makeUniverse(p.quote, p.target);
  const costs = withVenueCosts(makeCostModel(u, p.costs), flashFeeCost(u.index.get('WETH')!, fee, null));
  return compilePortfolio(p, makePlanContext(u, p, costs));
}

test("the position's holdings: the debt's weight is the LTV, the value the collateral's (in the debt asset)", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1, max: 1e7, noNaN: true }),
      fc.double({ min: 0, max: 0.95, noNaN: true }),
      fc.double({ min: 0.01, max: 1e5, noNaN: true }),
      (C, ltv, price) => {
        const h = positionHoldings(view({ collateralValue: C, debtValue: ltv * C }), price);
        const u = makeUniverse('USDC', { WETH: 0.5, USDC: 0.5 });
        const snap = makeSnapshot(u, [], h, { WETH: price }, { balances: 'b', prices: 'p' });
        const w = new Float64Array(u.n);
        const value = weightsInto(snap.qty, snap.prices, w);
        assert.ok(Math.abs(value - C) <= 1e-9 * C);
        assert.ok(Math.abs(w[u.index.get('USDC')!]! - ltv) < 1e-9);
        assert.ok(Math.abs(h.WETH! * price - (1 - ltv) * C) <= 1e-9 * C, 'the equity: the net exposure');
      },
    ),
  );
});

test('the health floor: below it the verdict acts whatever the trigger said; at or above it, unchanged', () => {
  const hold: TriggerVerdict = { rebalance: false, reason: 'costaware: benefit 0.01 ≤ cost 4.20 USDC', inflow: false };
  assert.equal(withHealthFloor(hold, 1.5, 1.5), hold);
  assert.equal(withHealthFloor(hold, 2, 1.5), hold);
  const act = withHealthFloor(hold, 1.375, 1.5);
  assert.equal(act.rebalance, true);
  assert.equal(
    act.reason,
    'health factor 1.3750 below the floor 1.5: acting regardless of cost (safety over cost; the trigger said: costaware: benefit 0.01 ≤ cost 4.20 USDC)',
  );
  assert.equal(
    flashFeeNote(view(), 'USDC'),
    "the plan's cost includes the flash fee 4.200000 USDC (4200000 base units, aave: the cheapest lender read at plan time)",
  );
  assert.equal(flashFeeNote(view({ flash: null, idle: 'on target' }), 'USDC'), 'no flash loan planned (on target)');
});

test('a plan the chain cannot send holds the verdict, unless the health factor is below the floor', () => {
  const go: TriggerVerdict = { rebalance: true, reason: 'costaware: benefit 0.01 > cost 0.00 USDC', inflow: false };
  const idle = 'on target: no repayment, no loan';
  const healthy = view({ flash: null, idle, healthFactor: 1.7 });
  assert.deepEqual(positionVerdict(go, healthy), {
    rebalance: false,
    inflow: false,
    reason: `costaware: benefit 0.01 > cost 0.00 USDC; held: the chain plan sends nothing (${idle})`,
  });
  assert.equal(positionVerdict(go, view({ healthFactor: 1.7 })), go, 'a plan with a loan: the trigger decides');
  assert.equal(positionVerdict(go, view({ flash: null, idle, healthFactor: 1.2 })).rebalance, true);
});

test("the flash fee is in the plan's cost: a trade pays it once, beside the trading costs", () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), fc.integer({ min: 0, max: 50 }), (fee, bps) => {
      const prices = { WETH: 3000 };
      const h = positionHoldings(view(), 3000);
      const plans = [0, fee].map((f) => {
        const c = compiled(0.5, f, 1, bps);
        const snap = makeSnapshot(c.ctx.u, [], h, prices, { balances: 'b', prices: 'p' });
        planInto(c.ctx, snap.qty, snap.prices, 'full', c.buf);
        return describePlan(c.ctx, snap, c.buf);
      });
      assert.equal(plans[0]!.trades.length, 1);
      assert.ok(
        // the fee is paid out of the value, so the trade (and its proportional cost) moves by at most rate × fee
        Math.abs(plans[1]!.cost - plans[0]!.cost - fee) <= (bps / 1e4) * fee + 1e-9 * (1 + fee),
        `${plans[1]!.cost} ${plans[0]!.cost}`,
      );
    }),
  );
});

test('a higher flash fee never makes a declined rebalance happen (the cost-aware trigger, the core decision)', () => {
  const seen = { executed: 0, declined: 0, declinedByFee: 0 };
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { minLength: 3, maxLength: 12 }),
      fc.double({ min: 0, max: 0.9, noNaN: true }),
      fc.double({ min: 0.1, max: 0.8, noNaN: true }),
      fc.double({ min: -4, max: 4, noNaN: true }),
      fc.double({ min: -3, max: 4, noNaN: true }),
      fc.double({ min: -3, max: 4, noNaN: true }),
      fc.integer({ min: 0, max: 30 }),
      (moves, ltv, t, logGamma, a, b, bps) => {
        // risk aversion and fees on log scales: benefits and fees of every size meet
        const gamma = 10 ** logGamma;
        const [lo, hi] = (a <= b ? [a, b] : [b, a]).map((x) => 10 ** x) as [number, number];
        const decisions = [lo, hi].map((fee) => {
          const c = compiled(t, fee, gamma, bps);
          const u = c.ctx.u;
          let price = 3000;
          const row = new Float64Array(u.n);
          for (const m of moves) {
            price *= 1 + m;
            row[u.index.get('WETH')!] = price;
            row[u.quoteIndex] = 1;
            c.trigger.observe(row);
          }
          const h = positionHoldings(view({ collateralValue: 20_000, debtValue: ltv * 20_000 }), price);
          const snap = makeSnapshot(u, [], h, { WETH: price }, { balances: 'b', prices: 'p' });
          const w = new Float64Array(u.n);
          const value = weightsInto(snap.qty, snap.prices, w);
          const bar = { time: 1, prevTime: 0, qty: snap.qty, prices: snap.prices, w, value };
          const k = c.trigger.check(bar);
          return decideCycle({
            now: 1,
            state: { paused: false, pauseReason: null, lastRebalanceAt: null, unknownLegs: false, restingLegs: [] },
            policy: { mode: 'live', cooldownMs: 0 },
            trigger: { rebalance: k >= 0, reason: c.trigger.explain(k, bar), inflow: false },
            plan: () => {
              planInto(c.ctx, snap.qty, snap.prices, 'full', c.buf);
              return describePlan(c.ctx, snap, c.buf);
            },
            approved: false,
          }).kind;
        });
        if (decisions[0] !== 'execute') assert.notEqual(decisions[1], 'execute', `${lo} → ${hi}`);
        if (decisions[0] === 'execute') seen.executed++;
        else seen.declined++;
        if (decisions[0] === 'execute' && decisions[1] !== 'execute') seen.declinedByFee++;
      },
    ),
    { numRuns: 300 },
  );
  // not vacuous: both outcomes occur, and a higher fee does turn some rebalances down
  assert.ok(seen.executed > 0 && seen.declined > 0 && seen.declinedByFee > 0, JSON.stringify(seen));
});

test('several assets: the debt weights sum to the LTV, the collateral splits the equity by its shares', () => {
  const assets = [
    { symbol: 'WETH', role: 'collateral' as const, value: 30_000, price: 3000 },
    { symbol: 'WBTC', role: 'collateral' as const, value: 10_000, price: 60_000 },
    { symbol: 'USDC', role: 'debt' as const, value: 12_000, price: 1 },
    { symbol: 'DAI', role: 'debt' as const, value: 4_000, price: 1 },
  ];
  const h = multiPositionHoldings(assets);
  const value = (s: string) => (h[s] ?? 0) * assets.find((a) => a.symbol === s)!.price;
  const total = ['WETH', 'WBTC', 'USDC', 'DAI'].reduce((t, s) => t + value(s), 0);
  assert.ok(Math.abs(total - 40_000) < 1e-6, 'weights are over the collateral value');
  assert.ok(Math.abs((value('USDC') + value('DAI')) / total - 0.4) < 1e-12, 'debt weights sum to the LTV');
  assert.ok(Math.abs(value('WETH') / total - 0.75 * 0.6) < 1e-12);
  const t = multiTargetOf({ WETH: 0.33, WBTC: 0.22, USDC: 0.315, DAI: 0.135 }, ['WETH', 'WBTC'], ['USDC', 'DAI']);
  assert.ok(Math.abs(t.targetLtv - 0.45) < 1e-12);
  assert.ok(Math.abs(t.shares.WETH! - 0.6) < 1e-12 && Math.abs(t.shares.DAI! - 0.3) < 1e-12);
});
