/**
 * Band tracks (src/backtest/engine/band-track.ts, issue #29): a sweep's configs of one width skip the band
 * test on bars a fee-less reference run proves, and every number stays each config's own. Checked with
 * Object.is against runBacktest's general loop: on generated markets and fee sets through a real sweep
 * (runSweep on the calling thread and on 2 workers, where tracks are used: ≥ 4 fees per width), and on
 * markets built to sit on a band's edge, where configs must test for themselves; and runs given tracks
 * whose NEAR answers are wrong, which must leave the step and still compute every number their own.
 * BALLAST_TRACK_RUNS sets the number of generated cases (default 60).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BREACH,
  bandTrack,
  CLEAR,
  inStep,
  NEAR_BREACH,
  NEAR_CLEAR,
  trackable,
} from '../../src/backtest/engine/band-track.ts';
import { fusedBands } from '../../src/backtest/engine/fast.ts';
import { outOfStep, runFusedPair } from '../../src/backtest/engine/pair.ts';
import { EngineScratch, prepareData, runBacktest } from '../../src/backtest/engine/run.ts';
import { parseStrategy } from '../../src/backtest/engine/strategy.ts';
import type { BacktestOptions, MarketData } from '../../src/backtest/engine/types.ts';
import type { SweepConfig } from '../../src/backtest/sweep/grid.ts';
import { K, METRIC_KEYS } from '../../src/backtest/sweep/metrics-layout.ts';
import { runSweep } from '../../src/backtest/sweep/pool.ts';

const DAY = 86_400_000;
const T0 = Date.parse('2024-01-29T00:00:00Z');
const RUNS = Number(process.env.BALLAST_TRACK_RUNS ?? 60);

function options(target: Record<string, number>, halfSpreadBps: number): BacktestOptions {
  return {
    cash: 'USD',
    target,
    capital: 1e6,
    costs: { feeBps: 0, halfSpreadBps, impact: 0, fixedPerOrder: 0, assets: {} },
    constraints: { assets: {} },
    lag: 0,
    periodsPerYear: 365,
  };
}

/** Every config's metrics from the sweep are runBacktest's (general loop), number for number. */
async function sweepMatches(
  data: ReturnType<typeof prepareData>,
  configs: SweepConfig[],
  opts: BacktestOptions,
  workers: number,
): Promise<void> {
  const got = await runSweep(data, configs, opts, { workers });
  configs.forEach((c, row) => {
    const want = runBacktest(data, c.spec, { ...opts, costs: { ...opts.costs, feeBps: c.feeBps } }, { general: true });
    METRIC_KEYS.forEach((key, k) => {
      const w = want.metrics[key] ?? Number.NaN;
      assert.ok(Object.is(got[row * K + k], w), `${c.spec.name} fee ${c.feeBps} ${key}: ${got[row * K + k]} vs ${w}`);
    });
  });
}

/** Configs: each width at every fee (a grid's order), strategies parsed from names. */
function grid(names: string[], fees: number[]): SweepConfig[] {
  return names.flatMap((name) => {
    const spec = parseStrategy(name);
    return fees.map((feeBps) => ({ spec, feeBps, family: 'band', width: Number.NaN }));
  });
}

describe('band tracks: one band test per bar for a width’s fees, every number the same (issue #29)', () => {
  it('a sweep with tracks gives every config its own backtest’s metrics (generated markets)', async () => {
    const caseArb = fc.record({
      n: fc.integer({ min: 1, max: 6 }),
      bars: fc.integer({ min: 2, max: 300 }),
      cash: fc.integer({ min: 0, max: 2 }),
      raw: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 6, maxLength: 6 }),
      moves: fc.array(fc.double({ min: -0.25, max: 0.25, noNaN: true }), { minLength: 97, maxLength: 97 }),
      widths: fc.array(fc.double({ min: 0.002, max: 0.4, noNaN: true }), { minLength: 1, maxLength: 3 }),
      fees: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 150, noNaN: true })), {
        minLength: 4,
        maxLength: 9,
      }),
      halfSpreadBps: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 30, noNaN: true })),
    });
    let tracked = 0;
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
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
          times: Float64Array.from({ length: c.bars }, (_, t) => T0 + t * DAY),
          prices,
        };
        const data = prepareData(market, 'USD', target);
        if (trackable(data.prices, data.u.target, data.u.quoteIndex)) tracked++;
        const configs = grid(
          c.widths.map((w) => `band:${w}`),
          c.fees,
        );
        await sweepMatches(data, configs, options(target, c.halfSpreadBps), 0);
      }),
      { numRuns: RUNS, seed: 2930 },
    );
    assert.equal(tracked, RUNS, 'every generated universe allows tracks');
  });

  it('on 2 workers too (each worker builds the tracks of the widths it meets)', async () => {
    const n = 3;
    const bars = 500;
    const prices = new Float64Array(bars * n);
    let s = 7;
    const rnd = () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    for (let i = 0; i < n; i++) prices[i] = 100;
    for (let t = 1; t < bars; t++)
      for (let i = 0; i < n; i++) prices[t * n + i] = prices[(t - 1) * n + i]! * Math.exp(0.08 * (rnd() - 0.5));
    const market: MarketData = {
      assets: ['A', 'B', 'C'],
      times: Float64Array.from({ length: bars }, (_, t) => T0 + t * DAY),
      prices,
    };
    const target = { A: 0.5, B: 0.3, C: 0.2 };
    const configs = grid(['band:0.01', 'band:0.03', 'band:0.1'], [0, 2.5, 5, 10, 20, 47.5]);
    await sweepMatches(prepareData(market, 'USD', target), configs, options(target, 0), 2);
  });

  it('on a band’s edge (NEAR bars) configs test for themselves and stay exact', async () => {
    // Two assets; bar 1 moves A so that its weight is the band's edge tA + w to within a few ulps (k): the
    // reference's |d| is within EPS of w there (a NEAR bar), so each config tests its own band. Later bars
    // drift on.
    const w = 0.1;
    const tA = 0.3;
    const target = { A: tA, B: 1 - tA };
    const p = ((tA + w) * (1 - tA)) / (tA * (1 - tA - w));
    let near = 0;
    for (let k = -40; k <= 40; k += 4) {
      const bars = 40;
      const prices = new Float64Array(bars * 2);
      prices[0] = 1.37;
      prices[1] = 2.91;
      prices[2] = 1.37 * p * (1 + k * Number.EPSILON);
      prices[3] = 2.91;
      for (let t = 2; t < bars; t++) {
        prices[t * 2] = prices[(t - 1) * 2]! * (1 + 0.03 * Math.sin(t * 1.7));
        prices[t * 2 + 1] = prices[(t - 1) * 2 + 1]! * (1 + 0.03 * Math.cos(t * 2.3));
      }
      const times = Float64Array.from({ length: bars }, (_, t) => T0 + t * DAY);
      const data = prepareData({ assets: ['A', 'B'], times, prices }, 'USD', target);
      const cls = bandTrack(data.prices, data.u.target, w);
      if (cls[1] === NEAR_CLEAR || cls[1] === NEAR_BREACH) near++;
      const fees = Array.from({ length: 12 }, (_, j) => j * 4.5);
      await sweepMatches(data, grid([`band:${w}`], fees), options(target, 0), 0);
    }
    assert.equal(near, 21, 'every market puts bar 1 within EPS of the edge');
  });

  it('a run whose own test answers a NEAR bar otherwise leaves the step and computes every bar itself', () => {
    // Tracks of NEAR bars only, with random answers: every config tests each bar itself, so its numbers
    // must be its own whatever the answers; a wrong answer takes it out of step (counted).
    const bars = 300;
    const n = 3;
    const prices = new Float64Array(bars * n);
    for (let i = 0; i < n; i++) prices[i] = 50 + 20 * i;
    for (let t = 1; t < bars; t++)
      for (let i = 0; i < n; i++)
        prices[t * n + i] = prices[(t - 1) * n + i]! * (1 + 0.04 * Math.sin(t * (1.3 + i) + i));
    const times = Float64Array.from({ length: bars }, (_, t) => T0 + t * DAY);
    const target = { A: 0.5, B: 0.3, C: 0.2 };
    const data = prepareData({ assets: ['A', 'B', 'C'], times, prices }, 'USD', target);
    const before = outOfStep.count;
    for (const [width, fee] of [
      [0.02, 0],
      [0.02, 25],
      [0.07, 10],
    ] as const) {
      const opts = { ...options(target, 0), costs: { ...options(target, 0).costs, feeBps: fee } };
      const spec = parseStrategy(`band:${width}`);
      const scratch = new EngineScratch(data.u.n, bars);
      const track = Uint8Array.from({ length: bars }, (_, t) => ((t * 2654435761) % 7 < 3 ? NEAR_BREACH : NEAR_CLEAR));
      const config = () => {
        const set = scratch.setup(data, spec, opts)!;
        const bands = fusedBands(spec, opts, set.kernel, false)!;
        return { ctx: set.ctx, bands, mode: spec.mode, capital: opts.capital, periodsPerYear: 365, track };
      };
      const a = config();
      const [ma, mb] = runFusedPair(
        data,
        a,
        { ...a, track: null },
        scratch.buf,
        scratch.px,
        new Float64Array(data.u.n),
        new Float64Array(data.u.n),
      );
      const want = runBacktest(data, spec, opts, { general: true }).metrics;
      for (const m of [ma, mb])
        for (const [k, v] of Object.entries(want))
          assert.ok(
            Object.is(v, m[k as keyof typeof want]),
            `band:${width} fee ${fee} ${k}: ${v} vs ${m[k as 'fees']}`,
          );
    }
    assert.ok(outOfStep.count > before, 'a config answered a NEAR bar otherwise and left the step');
  });

  it('classes: far inside CLEAR, far outside BREACH, a crash of the value NEAR; untrackable universes refused', () => {
    const target = Float64Array.from([0.5, 0.5, 0]); // A, B, USD (quote, index 2)
    // bar 1: A +5% (weights ≈ 0.512): clear at 0.05; bar 2: A ×2 (≈ 0.68): breach; bar 3: everything ÷ 1000.
    const P = Float64Array.from([1, 1, 1, 1.05, 1, 1, 2.1, 1, 1, 0.0021, 0.001, 1]);
    const cls = bandTrack(P, target, 0.05);
    assert.equal(cls[1], CLEAR);
    assert.equal(cls[2], BREACH);
    assert.ok(cls[3] === NEAR_CLEAR || cls[3] === NEAR_BREACH, `value fell 1000×: ${cls[3]}`);
    assert.equal(trackable(P, target, 2), true);
    assert.equal(trackable(P, Float64Array.from([1, 0, 0]), 2), false, 'a zero target that is not the quote');
    const Pq = Float64Array.from([1, 1, 1, 1.05, 1, 1.01]);
    assert.equal(trackable(Pq, target, 2), false, 'a quote whose price is not 1');
    assert.equal(inStep(Float64Array.from([0.5, 0.5, 0]), Float64Array.from([1, 1, 1]), target, 1), true);
    assert.equal(inStep(Float64Array.from([0.5, 0.5, 1e-9]), Float64Array.from([1, 1, 1]), target, 1), false);
    assert.equal(inStep(Float64Array.from([0.5 + 1e-9, 0.5, 0]), Float64Array.from([1, 1, 1]), target, 1), false);
  });
});
