/**
 * Crash trials (#6 §4): a live ccxt-venue service (child process) against the simulator (this process),
 * SIGKILLed at numbered crash points picked by seed, then at random wall-clock moments; after every trial
 * the invariants of src/service/trials/invariants.ts hold. Count knob: BALLAST_TRIALS seeds (default 2, the first
 * two crash points); BALLAST_TRIALS_RANDOM random kills (default 1); BALLAST_TRIALS_PARALLEL trials at once.
 * Full count: BALLAST_TRIALS=56 BALLAST_TRIALS_RANDOM=20 (see docs/trials.md).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTrial, type TrialResult } from './driver.ts';
import { TRIAL_POINTS } from './points.ts';

const SEEDS = Number(process.env.BALLAST_TRIALS ?? 2);
const RANDOM_KILLS = Number(process.env.BALLAST_TRIALS_RANDOM ?? 1);
const PARALLEL = Math.max(1, Number(process.env.BALLAST_TRIALS_PARALLEL ?? 2));
const BASE = Number(process.env.BALLAST_TRIALS_SEED ?? 20261126);
const MAX_K = [3, 3, 3, 1, 3, 1, 1]; // hits available per trial differ by point

/** The seed picks the point (round robin, so every point gets SEEDS/7) and which hit of it (k). */
export function crashFor(seed: number, index: number) {
  const point = TRIAL_POINTS[index % TRIAL_POINTS.length]!;
  const k = 1 + (seed % MAX_K[index % TRIAL_POINTS.length]!);
  return { point, k };
}

async function pool<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      for (let i = next++; i < jobs.length; i = next++) out[i] = await jobs[i]!();
    }),
  );
  return out;
}

const signature = (r: TrialResult) => JSON.stringify({ d: r.decisions, i: r.intents });

test(`seeded crash trials: ${SEEDS} seeds over ${TRIAL_POINTS.length} crash points`, {
  timeout: 3_600_000,
}, async () => {
  const t0 = Date.now();
  // The replay of the first seed runs in the same pool (compared below).
  const all = await pool(PARALLEL, [
    ...Array.from(
      { length: SEEDS },
      (_, i) => () => runTrial({ seed: BASE + i, cycles: 3, crash: crashFor(BASE + i, i) }),
    ),
    () => runTrial({ seed: BASE, cycles: 3, crash: crashFor(BASE, 0) }),
  ]);
  const again = all.pop()!;
  const results = all;
  const hitTrials: Record<string, number> = Object.fromEntries(TRIAL_POINTS.map((p) => [p, 0]));
  const passes: Record<string, number> = Object.fromEntries(TRIAL_POINTS.map((p) => [p, 0]));
  for (const r of results) {
    assert.deepEqual(r.invariants.violations, [], `seed ${r.seed}: ${r.invariants.violations.join('; ')}`);
    if (r.crashedAt !== undefined) hitTrials[r.crashedAt]! += 1;
    for (const [p, n] of Object.entries(r.hits)) passes[p] = (passes[p] ?? 0) + n;
  }
  const kills = results.reduce((a, r) => a + r.kills, 0);
  console.log(`# crash trials: ${SEEDS} seeds, ${kills} SIGKILLs, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  for (const p of TRIAL_POINTS)
    console.log(`#   ${p}: killed in ${hitTrials[p]} trial(s); reached ${passes[p]} time(s) in all`);
  const intents = results.reduce((a, r) => a + r.intents.length, 0);
  const creates = results.reduce((a, r) => a + r.invariants.creates, 0);
  const fills = results.reduce((a, r) => a + r.invariants.journalFills, 0);
  console.log(
    `#   ${intents} intents, ${creates} create requests, ${fills} fills (all in the journal); every invariant held`,
  );
  if (SEEDS >= 7 * 5) for (const p of TRIAL_POINTS) assert.ok(hitTrials[p]! >= 5, `${p}: only ${hitTrials[p]} kills`);
  else assert.ok(kills >= Math.min(SEEDS, 1), 'at least one seeded kill happened');

  // Replaying a seed reproduces its run: same decisions, same client order ids, quantities and states.
  assert.equal(signature(again), signature(results[0]!), `seed ${BASE} replayed differently`);
  console.log(
    `#   replay of seed ${BASE}: identical (${again.intents.length} intents, decisions ${again.decisions.join(' ')})`,
  );
});

test(`random-moment kills: ${RANDOM_KILLS} SIGKILLs from the parent`, { timeout: 3_600_000 }, async () => {
  const t0 = Date.now();
  const perTrial = 5;
  const n = Math.ceil(RANDOM_KILLS / perTrial);
  const results = await pool(
    PARALLEL,
    Array.from(
      { length: n },
      (_, i) => () =>
        runTrial({
          seed: BASE + 1000 + i,
          cycles: 2,
          randomKills: Math.min(perTrial, RANDOM_KILLS - i * perTrial),
          randomKillMaxMs: 6000,
        }),
    ),
  );
  for (const r of results)
    assert.deepEqual(r.invariants.violations, [], `seed ${r.seed}: ${r.invariants.violations.join('; ')}`);
  const kills = results.reduce((a, r) => a + r.kills, 0);
  assert.ok(kills >= RANDOM_KILLS, `${kills} kills`);
  const fills = results.reduce((a, r) => a + r.invariants.journalFills, 0);
  console.log(
    `# random kills: ${kills} SIGKILLs in ${n} trial(s), ${fills} fills, every invariant held, ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
});
