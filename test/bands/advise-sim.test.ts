/**
 * `advise`'s break-even value against a direct simulation (issue #27): one asset (GBM, σ 0.3 a year (the break-even band is about 1.2 s = 9 points, where the weight is still close to Brownian),
 * drift w*σ² so the weight has none at the target) and cash, w* = 0.5, fee 10 bps, a fixed cost of 20 per
 * rebalance, κ 1. The simulation runs the policy advise prices (a full rebalance when |w − w*| reaches h)
 * and measures the loss, the weight traded and the rebalances a year against the baseline s²/2; its break-even value at h is F·(rebalances a year)/(harvest − cost a year per
 * unit of value). BANDS_MC_SCALE=10 for a longer run.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Xoshiro128 } from '../../src/backtest/synthetic/prng.ts';
import { advise, breakEvenAt } from '../../src/core/bands/advise.ts';

const SCALE = Number(process.env.BANDS_MC_SCALE ?? 1);
const SIGMA = 0.3;
const WS = 0.5;
const C = 0.001;
const F = 20;
const KAPPA = 1;
const S = WS * (1 - WS) * SIGMA;

function simulateBreakEven(h: number, years: number, dt: number, seed: number): number {
  const rng = new Xoshiro128(seed);
  const drift = (WS * SIGMA * SIGMA - 0.5 * SIGMA * SIGMA) * dt;
  const vol = SIGMA * Math.sqrt(dt);
  const steps = Math.round(1 / dt);
  const step = (w: number) => {
    const a = w * Math.exp(drift + vol * rng.nextNormal());
    return a / (a + 1 - w);
  };
  // Baseline: a year from the target without trading, E∫₀¹x² dt = s²/2 (a definition of the model, not
  // simulated: its one-year paths are too noisy for a difference of two comparable terms).
  const base = (S * S * years) / 2;
  // The policy: a full rebalance to the target when the deviation reaches h.
  let loss = 0;
  let traded = 0;
  let count = 0;
  let w = WS;
  for (let s = 0; s < years * steps; s++) {
    loss += (w - WS) ** 2 * dt;
    w = step(w);
    if (Math.abs(w - WS) >= h) {
      traded += Math.abs(w - WS);
      count++;
      w = WS;
    }
  }
  const a = (0.5 * KAPPA * (base - loss)) / years - (C * traded) / years;
  return (F * count) / years / a;
}

test('advise’s break-even value agrees with a direct simulation of its policy', () => {
  const x = { value: 1, kappa: KAPPA, fixedCost: F, s2: [S * S], c: [C] };
  const adv = advise(x, []);
  assert.equal(adv.policy, 'full');
  const vbe = adv.breakEvenValue!;
  // The width where the break-even is least, from the closed form.
  let hBest = 0;
  for (let h = 0.01; h < 0.5; h += 0.0005)
    if (breakEvenAt(x, h) !== null && breakEvenAt(x, h)! <= breakEvenAt(x, hBest || h)!) hBest = h;
  assert.ok(Math.abs(breakEvenAt(x, hBest)! - vbe) < 1e-3 * vbe);
  const sims = [0.7, 0.85, 1].map((f, i) => simulateBreakEven(f * hBest, 500 * SCALE, 1 / 10000, 270 + i));
  const closed = [0.7, 0.85, 1].map((f) => breakEvenAt(x, f * hBest)!);
  const simBest = Math.min(...sims);
  process.stdout.write(
    `# break-even: closed form ${vbe.toFixed(1)} at h ${hBest.toFixed(4)}; simulated ${sims.map((v) => v.toFixed(1)).join(', ')} at 0.7, 0.85, 1 × h (closed ${closed.map((v) => v.toFixed(1)).join(', ')})\n`,
  );
  for (let i = 0; i < 3; i++)
    assert.ok(Math.abs(sims[i]! / closed[i]! - 1) < 0.1, `at ${i}: ${sims[i]} vs ${closed[i]}`);
  assert.ok(Math.abs(simBest / vbe - 1) < 0.1, `least simulated ${simBest} vs ${vbe}`);
});
