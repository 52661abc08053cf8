/**
 * The engine's specialised paths (issue #29) against its general path, bit for bit, on fast-check-generated
 * configs: the fused band loop (src/backtest/engine/fast.ts) against runBacktest's general loop
 * (`general: true`), and both against the per-bar path (`weights: true`: the trigger kernel's own check
 * per bar, no scan, no precomputed calendar keys). Every equity value, rebalance bar and metric must be
 * the same number (Object.is), for weights, fees, spreads, impact and fixed costs, lot steps, band widths,
 * per-asset widths, trigger kinds, plan modes, lag and cooldown; runs through a reused EngineScratch (as a
 * sweep worker runs them) too; and two runs in lockstep (engine/pair.ts, a sweep's) against each run alone.
 * BALLAST_FUSED_RUNS sets the number of cases (default 300).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fusedBands } from '../../src/backtest/engine/fast.ts';
import { runFusedPair } from '../../src/backtest/engine/pair.ts';
import { EngineScratch, prepareData, runBacktest } from '../../src/backtest/engine/run.ts';
import { parseStrategy } from '../../src/backtest/engine/strategy.ts';
import type { BacktestOptions, BacktestResult, MarketData } from '../../src/backtest/engine/types.ts';
import { makePlanContext } from '../../src/core/planner/context.ts';
import { compileTrigger } from '../../src/core/triggers/compile.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-29T00:00:00Z');
const RUNS = Number(process.env.BALLAST_FUSED_RUNS ?? 300);

const caseArb = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    bars: fc.integer({ min: 1, max: 400 }),
    cash: fc.integer({ min: 0, max: 3 }), // 0: the cash is not listed (weight 0)
    raw: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 6, maxLength: 6 }),
    moves: fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 97, maxLength: 97 }),
    feeBps: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })),
    halfSpreadBps: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 30, noNaN: true })),
    // Non-proportional costs and lot steps: the planner's general path inside the fused loop.
    impact: fc.oneof(fc.constant(0), fc.constant(0), fc.double({ min: 0, max: 0.5, noNaN: true })),
    fixedPerOrder: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0.5)),
    lotStep: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0.001)),
    width: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
    perAsset: fc.boolean(),
    kind: fc.constantFrom('band', 'band', 'band', 'relband', 'calendar:week', 'calendar:month', 'hybrid', 'hodl'),
    mode: fc.constantFrom('', '', '+edge', '+auto'),
    lag: fc.constantFrom(0, 0, 0, 1) as fc.Arbitrary<0 | 1>,
    cooldownDays: fc.constantFrom(0, 0, 0, 3),
    stepDays: fc.integer({ min: 1, max: 3 }),
    capital: fc.constantFrom(1000, 1e6, 12_345.678),
  })
  .map((c) => {
    const names = Array.from({ length: c.n }, (_, i) => `X${i}`);
    const total = c.raw.slice(0, c.n).reduce((s, x) => s + x, 0) + c.cash;
    const target: Record<string, number> = {};
    names.forEach((a, i) => {
      target[a] = c.raw[i]! / total;
    });
    if (c.cash > 0) target.USD = c.cash / total;
    const prices = new Float64Array(c.bars * c.n);
    for (let i = 0; i < c.n; i++) prices[i] = 10 * (i + 1);
    for (let t = 1; t < c.bars; t++)
      for (let i = 0; i < c.n; i++)
        prices[t * c.n + i] = prices[(t - 1) * c.n + i]! * Math.exp(c.moves[(t * 7 + i * 13) % 97]!);
    const market: MarketData = {
      assets: names,
      times: Float64Array.from({ length: c.bars }, (_, t) => T0 + t * c.stepDays * DAY),
      prices,
    };
    const banded = c.kind === 'band' || c.kind === 'relband' || c.kind === 'hybrid';
    const body =
      c.kind === 'band' || c.kind === 'relband'
        ? `${c.kind}:${c.width}`
        : c.kind === 'hybrid'
          ? `hybrid:week:${c.width}`
          : c.kind;
    const strategy = `${body}${banded ? c.mode : ''}`;
    // Per-asset widths (bands.X0) only where the trigger config takes them (band, relband, hybrid).
    const options: BacktestOptions = {
      cash: 'USD',
      target,
      capital: c.capital,
      costs: {
        feeBps: c.feeBps,
        halfSpreadBps: c.halfSpreadBps,
        impact: c.impact,
        fixedPerOrder: c.fixedPerOrder,
        assets: {},
      },
      constraints: { assets: c.lotStep > 0 ? { X0: { lotStep: c.lotStep } } : {} },
      lag: c.lag,
      periodsPerYear: 365,
      ...(c.cooldownDays > 0 ? { cooldownMs: c.cooldownDays * DAY } : {}),
    };
    return { ...c, market, target, strategy, options, banded };
  });

function same(a: BacktestResult, b: BacktestResult, what: string): void {
  assert.equal(a.equity.length, b.equity.length, `${what}: bars`);
  for (let t = 0; t < a.equity.length; t++)
    assert.ok(Object.is(a.equity[t], b.equity[t]), `${what}: V${t} ${a.equity[t]} vs ${b.equity[t]}`);
  assert.deepEqual(a.rebalanceBars, b.rebalanceBars, `${what}: rebalance bars`);
  for (const [k, v] of Object.entries(a.metrics))
    assert.ok(Object.is(v, b.metrics[k as keyof typeof a.metrics]), `${what}: ${k} ${v} vs ${b.metrics[k as 'fees']}`);
}

const copy = (r: BacktestResult): BacktestResult => ({ ...r, equity: Float64Array.from(r.equity) });

describe('specialised engine paths = the general path, bit for bit (issue #29)', () => {
  it('fused band loop, general loop and per-bar path agree on every number', () => {
    let fused = 0;
    let runs = 0;
    const scratches = new Map<string, EngineScratch>();
    fc.assert(
      fc.property(caseArb, (c) => {
        const data = prepareData(c.market, 'USD', c.target);
        const spec = parseStrategy(c.strategy);
        if (spec.trigger !== 'hodl' && c.perAsset && 'band' in spec.trigger)
          (spec.trigger as { bands?: Record<string, number> }).bands = { X0: c.width * 1.5 };
        const general = runBacktest(data, spec, c.options, { general: true });
        const perBar = runBacktest(data, spec, c.options, { weights: true });
        const fast = runBacktest(data, spec, c.options);
        same(fast, general, `${c.strategy} fast vs general`);
        same(general, perBar, `${c.strategy} general vs per-bar`);
        // As a sweep worker runs it: buffers, plan context and kernel reused from earlier runs.
        const key = `${c.n}:${c.bars}`;
        let s = scratches.get(key);
        if (s === undefined) {
          s = new EngineScratch(data.u.n, data.times.length);
          scratches.set(key, s);
        }
        same(copy(runBacktest(data, spec, c.options, { rebalanceBars: true }, s)), general, `${c.strategy} scratch`);
        runs++;
        if (spec.trigger !== 'hodl') {
          const ctx = makePlanContext(data.u, {
            costs: c.options.costs,
            constraints: c.options.constraints,
            trigger: undefined,
          });
          if (fusedBands(spec, c.options, compileTrigger(spec.trigger, ctx), false) !== null) fused++;
        }
      }),
      { numRuns: RUNS, seed: 29 },
    );
    // The generator reaches the fused loop often (a vacuous comparison would prove nothing).
    assert.ok(fused >= runs / 8, `only ${fused} of ${runs} cases took the fused loop`);
  });

  it('two fused runs in lockstep (a sweep’s pairs) give each run’s own metrics', () => {
    const pairArb = fc.tuple(
      caseArb,
      fc.double({ min: 0.001, max: 0.5, noNaN: true }),
      fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })),
      fc.constantFrom('', '+edge', '+auto'),
    );
    fc.assert(
      fc.property(pairArb, ([c, width2, fee2, mode2]) => {
        const data = prepareData(c.market, 'USD', c.target);
        const runs = [
          { spec: parseStrategy(`band:${c.width}${c.mode}`), opts: { ...c.options, lag: 0 as const, cooldownMs: 0 } },
          {
            spec: parseStrategy(`band:${width2}${mode2}`),
            opts: { ...c.options, lag: 0 as const, cooldownMs: 0, costs: { ...c.options.costs, feeBps: fee2 } },
          },
        ];
        const scratch = new EngineScratch(data.u.n, data.times.length);
        const configs = runs.map(({ spec, opts }) => {
          const set = scratch.setup(data, spec, opts)!;
          const bands = fusedBands(spec, opts, set.kernel, false)!;
          assert.ok(bands !== null, 'a fused config');
          return {
            ctx: set.ctx,
            bands,
            mode: spec.mode,
            capital: opts.capital,
            periodsPerYear: opts.periodsPerYear,
            track: null,
          };
        });
        const n = data.u.n;
        const pair = runFusedPair(
          data,
          configs[0]!,
          configs[1]!,
          scratch.buf,
          scratch.px,
          new Float64Array(n),
          new Float64Array(n),
        );
        runs.forEach(({ spec, opts }, j) => {
          const alone = runBacktest(data, spec, opts, { general: true }).metrics;
          for (const [k, v] of Object.entries(alone))
            assert.ok(
              Object.is(v, pair[j]![k as keyof typeof alone]),
              `run ${j} ${spec.name}: ${k} ${v} vs ${pair[j]![k as 'fees']}`,
            );
        });
      }),
      { numRuns: Math.ceil(RUNS / 2), seed: 2929 },
    );
  });

  it('the fused loop is taken exactly for fixed-target uniform absolute bands without lag, cooldown or recording', () => {
    const market: MarketData = {
      assets: ['A', 'B'],
      times: Float64Array.from([T0, T0 + DAY]),
      prices: Float64Array.from([1, 2, 1.1, 1.9]),
    };
    const target = { A: 0.5, B: 0.5 };
    const data = prepareData(market, 'USD', target);
    const opts: BacktestOptions = {
      cash: 'USD',
      target,
      capital: 1,
      costs: { feeBps: 10, halfSpreadBps: 0, impact: 0, fixedPerOrder: 0, assets: {} },
      constraints: { assets: {} },
      lag: 0,
      periodsPerYear: 365,
    };
    const ctx = makePlanContext(data.u, { costs: opts.costs, constraints: opts.constraints, trigger: undefined });
    const takes = (name: string, o: BacktestOptions = opts, perBar = false, bands?: Record<string, number>) => {
      const spec = parseStrategy(name);
      const trig = spec.trigger === 'hodl' ? undefined : { ...spec.trigger, ...(bands ? { bands } : {}) };
      return fusedBands(spec, o, compileTrigger(trig, ctx), perBar) !== null;
    };
    assert.equal(takes('band:0.05'), true);
    assert.equal(takes('band:0.05+edge'), true);
    assert.equal(takes('band:0.05+auto'), true);
    assert.equal(takes('band:0.05', opts, false, { A: 0.1 }), false); // per-asset widths
    assert.equal(takes('band:0.05', opts, true), false); // weights, trades or holdings recorded
    assert.equal(takes('band:0.05', { ...opts, lag: 1 }), false);
    assert.equal(takes('band:0.05', { ...opts, cooldownMs: DAY }), false);
    assert.equal(takes('ew@band:0.05'), false); // dynamic targets
    assert.equal(takes('relband:0.05'), false);
    assert.equal(takes('calendar:month'), false);
    assert.equal(takes('hybrid:month:0.05'), false);
  });
});
