import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Xoshiro128 } from '../../backtest/synthetic/prng.ts';
import { boxRenewal } from './box-renewal.ts';

/** Independent Brownian motions with variance rates s2, all restarted at 0 when one leaves [−1, 1]. */
function simulate(s2: readonly number[], cycles: number, dt: number, seed: number) {
  const rng = new Xoshiro128(seed);
  const m = s2.length;
  const step = s2.map((v) => Math.sqrt(v * dt));
  // Checking the band only at steps overshoots it: shrink each band by 0.5826·σ√dt (Siegmund's correction).
  const band = step.map((s) => 1 - 0.5826 * s);
  const T: number[] = [];
  const I = s2.map(() => 0);
  const Th = s2.map(() => 0);
  const y = new Float64Array(m);
  for (let c = 0; c < cycles; c++) {
    y.fill(0);
    let t = 0;
    for (;;) {
      for (let i = 0; i < m; i++) I[i]! += y[i]! * y[i]! * dt;
      t += dt;
      let out = false;
      for (let i = 0; i < m; i++) {
        y[i]! += step[i]! * rng.nextNormal();
        if (Math.abs(y[i]!) >= band[i]!) out = true;
      }
      if (out) break;
    }
    T.push(t);
    for (let i = 0; i < m; i++) Th[i]! += Math.min(1, Math.abs(y[i]!) / band[i]!);
  }
  const mean = T.reduce((a, b) => a + b, 0) / cycles;
  const sd = Math.sqrt(T.reduce((a, b) => a + (b - mean) ** 2, 0) / (cycles - 1));
  return { tau: mean, tauSe: sd / Math.sqrt(cycles), iota: I.map((x) => x / cycles), theta: Th.map((x) => x / cycles) };
}

describe('boxRenewal', () => {
  it('one asset: the closed forms tau = 1/s², iota = tau/6, theta = 1', () => {
    for (const s2 of [0.0009, 0.09, 1, 25]) {
      const r = boxRenewal([s2]);
      assert.ok(Math.abs(r.tau * s2 - 1) < 1e-8, `tau ${r.tau} at ${s2}`);
      assert.ok(Math.abs(r.iota[0]! / r.tau - 1 / 6) < 1e-8);
      assert.ok(Math.abs(r.theta[0]! - 1) < 1e-8);
    }
  });

  it('several assets: fewer rebalances than counting each asset alone, more than the fastest alone', () => {
    const s2 = [1, 0.25, 0.04];
    const r = boxRenewal(s2);
    assert.ok(r.tau < 1 / s2[0]!); // the fastest asset alone would leave after 1/s² on average
    assert.ok(1 / r.tau < s2.reduce((a, b) => a + b, 0)); // each asset's breaches counted apart
    // Two equal assets: symmetric.
    const e = boxRenewal([0.3, 0.3]);
    assert.ok(Math.abs(e.iota[0]! - e.iota[1]!) < 1e-12 && Math.abs(e.theta[0]! - e.theta[1]!) < 1e-12);
    // An asset with no variance does not change the others' cycle.
    const z = boxRenewal([0.3, 0]);
    assert.ok(Math.abs(z.tau * 0.3 - 1) < 1e-8 && z.iota[1] === 0 && z.theta[1] === 0);
  });

  it('agrees with a direct simulation of three assets (within 4 standard errors)', () => {
    const s2 = [1, 0.25, 0.04];
    const r = boxRenewal(s2);
    const cycles = 3000 * Number(process.env.BANDS_MC_SCALE ?? 1);
    const sim = simulate(s2, cycles, 1e-4, 2718);
    process.stdout.write(
      `# box renewal: tau ${r.tau.toFixed(4)} vs simulated ${sim.tau.toFixed(4)} ± ${sim.tauSe.toFixed(4)}; iota ${r.iota.map((x) => x.toFixed(4))} vs ${sim.iota.map((x) => x.toFixed(4))}; theta ${r.theta.map((x) => x.toFixed(3))} vs ${sim.theta.map((x) => x.toFixed(3))}\n`,
    );
    assert.ok(Math.abs(sim.tau - r.tau) < 4 * sim.tauSe, `tau ${r.tau} vs ${sim.tau} ± ${sim.tauSe}`);
    // iota and theta: relative tolerance from the cycle count (their spread is of the order of their mean).
    const tol = 4 / Math.sqrt(cycles);
    for (let i = 0; i < 3; i++) {
      assert.ok(Math.abs(sim.iota[i]! / r.iota[i]! - 1) < 2 * tol, `iota ${i}: ${r.iota[i]} vs ${sim.iota[i]}`);
      assert.ok(Math.abs(sim.theta[i]! / r.theta[i]! - 1) < tol, `theta ${i}: ${r.theta[i]} vs ${sim.theta[i]}`);
    }
  });
});
