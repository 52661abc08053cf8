import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type DecisionInput,
  decideCycle,
  orderWithinLimits,
  type RestingLeg,
  type RiskPolicy,
  restingOf,
} from './cycle-decision.ts';
import type { Plan, TradeLine } from './planner/describe.ts';

const trade = (asset: string, side: 'buy' | 'sell', notional: number): TradeLine => ({
  asset,
  side,
  quantity: notional / 100,
  notional,
  cost: notional * 0.001,
});

const plan = (trades: TradeLine[]): Plan => ({
  mode: 'full',
  trades,
  skipped: [],
  before: {},
  after: {},
  cost: 0,
  value: 10_000,
  valueAfter: 10_000,
  notes: [],
});

const live: RiskPolicy = { mode: 'live', cooldownMs: 0 };
const calm = { paused: false, pauseReason: null, lastRebalanceAt: null, unknownLegs: false, restingLegs: [] };
const fire = { rebalance: true, reason: 'band', inflow: false };

function input(o: Partial<DecisionInput> & { trades?: TradeLine[] } = {}): DecisionInput {
  const p = plan(o.trades ?? [trade('BTC', 'sell', 500), trade('ETH', 'buy', 400)]);
  return { now: 1_000_000, state: calm, policy: live, trigger: fire, plan: () => p, approved: false, ...o };
}

test('a firing trigger with trades inside every limit executes the plan', () => {
  const d = decideCycle(input());
  assert.equal(d.kind, 'execute');
  assert.equal(d.kind === 'execute' && d.plan.trades.length, 2);
});

test('a quiet trigger is nothing to do and never computes a plan', () => {
  const d = decideCycle(
    input({
      trigger: { rebalance: false, reason: 'inside band', inflow: false },
      plan: () => assert.fail('no plan'),
    }),
  );
  assert.deepEqual(d, { kind: 'nothing_to_do', reason: 'inside band', plan: null, skipped: [] });
});

test('a firing trigger on a plan whose every trade is skipped is nothing to do, and says so', () => {
  const empty = { ...plan([]), skipped: [{ asset: 'BTC', reason: 'below minNotional 10' }] };
  const d = decideCycle(input({ plan: () => empty }));
  assert.equal(d.kind, 'nothing_to_do');
  assert.match(d.reason, /; nothing to send: every trade was skipped$/);
  assert.equal(decideCycle(input({ plan: () => empty, approved: true })).kind, 'refused');
});

test('a zero-value portfolio is nothing to do, with that reason, never a rebalance (issue #16)', () => {
  const zero = { ...plan([]), value: 0, valueAfter: 0 };
  const d = decideCycle(input({ plan: () => zero }));
  assert.equal(d.kind, 'nothing_to_do');
  assert.match(d.reason, /the portfolio is worth 0/);
  const r = decideCycle(input({ plan: () => zero, approved: true }));
  assert.equal(r.kind, 'refused');
  assert.match(r.reason, /worth 0/);
});

test('paused, unknown leg and cooldown skip a cycle and refuse an approval', () => {
  const cases: [Partial<DecisionInput>, string][] = [
    [{ state: { ...calm, paused: true, pauseReason: 'kill switch: 3 failures' } }, 'paused'],
    [{ state: { ...calm, unknownLegs: true } }, 'unknown_leg'],
    [{ state: { ...calm, lastRebalanceAt: 999_000 }, policy: { ...live, cooldownMs: 60_000 } }, 'cooldown'],
  ];
  for (const [o, code] of cases) {
    const cyc = decideCycle(input(o));
    assert.equal(cyc.kind, 'skipped', code);
    assert.equal(cyc.kind === 'skipped' && cyc.code, code);
    const app = decideCycle(input({ ...o, approved: true }));
    assert.equal(app.kind, 'refused', code);
    assert.equal(app.kind === 'refused' && app.code, code);
  }
  const paused = decideCycle(input({ state: { ...calm, paused: true, pauseReason: 'kill switch: 3 failures' } }));
  assert.match(paused.reason, /paused: kill switch: 3 failures/);
});

test('cooldown over: trades again; an inflow ignores the cooldown', () => {
  const policy = { ...live, cooldownMs: 60_000 };
  assert.equal(decideCycle(input({ state: { ...calm, lastRebalanceAt: 900_000 }, policy })).kind, 'execute');
  const inflow = { rebalance: false, reason: 'invest', inflow: true };
  assert.equal(
    decideCycle(input({ state: { ...calm, lastRebalanceAt: 999_999 }, policy, trigger: inflow })).kind,
    'execute',
  );
});

test('maxOrderNotional trims a cycle’s plan and refuses an approved plan whole', () => {
  const policy = { ...live, maxOrderNotional: 450 };
  const cyc = decideCycle(input({ policy }));
  assert.equal(cyc.kind, 'execute');
  if (cyc.kind !== 'execute') return;
  assert.deepEqual(
    cyc.plan.trades.map((t) => t.asset),
    ['ETH'],
  );
  assert.equal(cyc.skipped[0]!.code, 'max_order_notional');
  const app = decideCycle(input({ policy, approved: true }));
  assert.equal(app.kind, 'refused');
  assert.match(app.reason, /BTC notional 500.00 exceeds maxOrderNotional 450/);
});

test('approval threshold: a cycle waits for approval; an approved plan does not', () => {
  const policy = { ...live, approvalAbove: 800 };
  assert.equal(decideCycle(input({ policy })).kind, 'needs_approval');
  assert.equal(decideCycle(input({ policy, approved: true })).kind, 'execute');
  assert.equal(decideCycle(input({ policy: { ...live, approvalAbove: 1000 } })).kind, 'execute');
});

test('dry-run: a cycle is skipped with its plan; an approval is refused', () => {
  const policy: RiskPolicy = { ...live, mode: 'dry-run' };
  const cyc = decideCycle(input({ policy }));
  assert.equal(cyc.kind === 'skipped' && cyc.code, 'dry_run');
  assert.equal(cyc.kind === 'skipped' && cyc.plan?.trades.length, 2);
  assert.equal(decideCycle(input({ policy, approved: true })).kind, 'refused');
});

test('property: no decision ever executes an order over the limit, in dry-run, paused or with an unknown leg', () => {
  const tradeArb = fc.record({
    asset: fc.constantFrom('BTC', 'ETH', 'SOL'),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    notional: fc.double({ min: 0.01, max: 1e6, noNaN: true }),
  });
  fc.assert(
    fc.property(
      fc.array(tradeArb, { maxLength: 5 }),
      fc.record({
        mode: fc.constantFrom('live' as const, 'dry-run' as const),
        max: fc.option(fc.double({ min: 1, max: 1e6, noNaN: true }), { nil: undefined }),
        approvalAbove: fc.option(fc.double({ min: 1, max: 1e6, noNaN: true }), { nil: undefined }),
        cooldownMs: fc.integer({ min: 0, max: 10_000 }),
      }),
      fc.record({
        paused: fc.boolean(),
        unknownLegs: fc.boolean(),
        last: fc.option(fc.integer({ min: 0, max: 20_000 })),
      }),
      fc.boolean(),
      fc.boolean(),
      (ts, p, st, approved, rebalance) => {
        const policy: RiskPolicy = {
          mode: p.mode,
          maxOrderNotional: p.max,
          approvalAbove: p.approvalAbove,
          cooldownMs: p.cooldownMs,
        };
        const state = {
          ...calm,
          paused: st.paused,
          pauseReason: 'x',
          unknownLegs: st.unknownLegs,
          lastRebalanceAt: st.last,
        };
        const trades = ts.map((t) => trade(t.asset, t.side, t.notional));
        const d = decideCycle(input({ trades, policy, state, approved, now: 20_000, trigger: { ...fire, rebalance } }));
        if (d.kind !== 'execute') return;
        assert.equal(p.mode, 'live');
        assert.ok(!st.paused && !st.unknownLegs);
        assert.ok(d.plan.trades.length > 0);
        for (const t of d.plan.trades) assert.equal(orderWithinLimits(t.notional, policy), null);
        if (!approved && p.approvalAbove !== undefined)
          assert.ok(d.plan.trades.reduce((s, t) => s + t.notional, 0) <= p.approvalAbove);
        if (st.last !== null) assert.ok(20_000 - st.last >= p.cooldownMs || p.cooldownMs === 0);
      },
    ),
    { numRuns: 2000 },
  );
});

test('an order resting at the venue skips a cycle (even a quiet one) and refuses an approval, naming the order', () => {
  const restingLegs: RestingLeg[] = [{ clientOrderId: 'bal-p1-7-1', state: 'open' }];
  const quiet = { rebalance: false, reason: 'inside band', inflow: false };
  const hold = decideCycle(
    input({ state: { ...calm, restingLegs }, trigger: quiet, plan: () => assert.fail('no plan') }),
  );
  assert.equal(hold.kind === 'skipped' && hold.code, 'resting');
  assert.match(hold.reason, /1 order\(s\) of this portfolio still open at the venue \(bal-p1-7-1 open\)/);
  const app = decideCycle(input({ state: { ...calm, restingLegs }, approved: true }));
  assert.equal(app.kind === 'refused' && app.code, 'resting');
  assert.match(app.reason, /bal-p1-7-1 open/);
  // a pause and an unknown leg still say so first
  const paused = decideCycle(input({ state: { ...calm, restingLegs, paused: true, pauseReason: 'operator' } }));
  assert.equal(paused.kind === 'skipped' && paused.code, 'paused');
});

test('restingOf keeps exactly the open and partly filled intents', () => {
  const states = ['committed', 'sent', 'unknown', 'open', 'partially_filled', 'filled', 'canceled'];
  const got = restingOf(states.map((state, i) => ({ clientOrderId: `c${i}`, state })));
  assert.deepEqual(got, [
    { clientOrderId: 'c3', state: 'open' },
    { clientOrderId: 'c4', state: 'partially_filled' },
  ]);
});

test('property: with any resting leg, no decision sends an order, and the reason names every resting order', () => {
  const tradeArb = fc.record({
    asset: fc.constantFrom('BTC', 'ETH', 'SOL'),
    side: fc.constantFrom('buy' as const, 'sell' as const),
    notional: fc.double({ min: 0.01, max: 1e6, noNaN: true }),
  });
  const legArb = fc.record({
    clientOrderId: fc.stringMatching(/^[a-z0-9-]{1,24}$/),
    state: fc.constantFrom('open' as const, 'partially_filled' as const),
  });
  fc.assert(
    fc.property(
      fc.array(tradeArb, { maxLength: 5 }),
      fc.array(legArb, { minLength: 1, maxLength: 4 }),
      fc.record({
        mode: fc.constantFrom('live' as const, 'dry-run' as const),
        approvalAbove: fc.option(fc.double({ min: 1, max: 1e6, noNaN: true }), { nil: undefined }),
        cooldownMs: fc.integer({ min: 0, max: 10_000 }),
        last: fc.option(fc.integer({ min: 0, max: 20_000 })),
      }),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      (ts, restingLegs, p, approved, rebalance, inflow) => {
        const policy: RiskPolicy = { mode: p.mode, approvalAbove: p.approvalAbove, cooldownMs: p.cooldownMs };
        const trades = ts.map((t) => trade(t.asset, t.side, t.notional));
        const state = { ...calm, restingLegs, lastRebalanceAt: p.last };
        const d = decideCycle(
          input({
            trades,
            policy,
            state,
            approved,
            now: 20_000,
            trigger: { reason: 'band', rebalance, inflow },
            plan: () => assert.fail('no plan is made while an order rests'),
          }),
        );
        assert.notEqual(d.kind, 'execute');
        assert.notEqual(d.kind, 'needs_approval');
        assert.equal(d.kind === 'refused' || d.kind === 'skipped' ? d.code : d.kind, 'resting');
        for (const l of restingLegs) assert.ok(d.reason.includes(`${l.clientOrderId} ${l.state}`), d.reason);
      },
    ),
    { numRuns: 1000 },
  );
});
