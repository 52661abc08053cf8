/**
 * Parent side of the crash trials: owns the simulator (in this process, so it survives every kill) and the
 * journal file; spawns the service child, drives its cycles, restarts it after each death, and finally
 * restarts it once more (start-up reconciliation) before the invariants are checked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { checkInvariants, type InvariantReport } from '../../src/service/trials/invariants.ts';
import {
  seeded,
  TRIAL_BALANCES,
  TRIAL_PRICES,
  trialService,
  trialSimOptions,
  writeKeyFile,
} from '../../src/service/trials/setup.ts';
import { type SimHandle, start } from '../../src/venues/simulator/server.ts';
import type { TrialPoint } from './points.ts';

const CHILD = new URL('./child.ts', import.meta.url).pathname;
const STEP_MS = 61_000; // the service clock advances past the not-placed rule's 60 s per cycle

export interface TrialSpec {
  readonly seed: number;
  readonly cycles: number;
  /** Seeded sweep: kill at the k-th hit of this point (the child kills itself in its hook). */
  readonly crash?: { readonly point: TrialPoint; readonly k: number };
  /** Random sweep: the parent SIGKILLs the child this many times, each at a random moment after a spawn. */
  readonly randomKills?: number;
  readonly randomKillMaxMs?: number;
}

export interface TrialResult {
  readonly seed: number;
  readonly kills: number;
  readonly spawns: number;
  readonly hits: Record<string, number>;
  /** The point the seeded crash fired at, if it did. */
  readonly crashedAt?: TrialPoint;
  readonly decisions: string[];
  readonly intents: { cid: string; side: string; asset: string; quantity: number; state: string }[];
  readonly invariants: InvariantReport;
}

interface Child {
  readonly proc: ChildProcess;
  readonly lines: AsyncIterator<string>;
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

export async function runTrial(spec: TrialSpec): Promise<TrialResult> {
  const rand = seeded(spec.seed);
  const dir = mkdtempSync(join(tmpdir(), 'ballast-trial-'));
  const sim: SimHandle = await start(trialSimOptions());
  const journal = join(dir, 'journal.sqlite');
  const config = trialService({ journal, url: sim.url, keyFile: writeKeyFile(dir) });
  const hits: Record<string, number> = {};
  const decisions: string[] = [];
  let armed = spec.crash;
  let crashedAt: TrialPoint | undefined;
  let kills = 0;
  let spawns = 0;
  let killsLeft = spec.randomKills ?? 0;
  let offset = 0;

  const spawnChild = (): Child => {
    spawns++;
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        TRIAL_CONFIG: JSON.stringify(config),
        TRIAL_JOURNAL_ID: `trial${spec.seed}`,
        TRIAL_OFFSET: String(offset),
        TRIAL_CRASH: armed === undefined ? '' : `${armed.point}:${armed.k - (hits[armed.point] ?? 0)}`,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | number | null>((res) =>
      proc.on('exit', (code, sig) => res(sig ?? code)),
    );
    if (killsLeft > 0) {
      const t = setTimeout(() => proc.kill('SIGKILL'), Math.floor(rand() * (spec.randomKillMaxMs ?? 4000)));
      void exited.then(() => clearTimeout(t));
    }
    return { proc, exited, lines: createInterface({ input: proc.stdout! })[Symbol.asyncIterator]() };
  };

  /** Reads lines until `want` matches; null when the child died first. */
  const until = async (c: Child, want: RegExp): Promise<string | null> => {
    for (;;) {
      const n = await c.lines.next();
      if (n.done) return null;
      if (process.env.TRIAL_DEBUG) process.stderr.write(`[seed ${spec.seed}] ${n.value}\n`);
      const m = /^H (\S+) /.exec(n.value);
      if (m) {
        hits[m[1]!] = (hits[m[1]!] ?? 0) + 1;
        if (armed !== undefined && m[1] === armed.point && hits[m[1]!] === armed.k) {
          crashedAt = armed.point;
          armed = undefined; // one seeded crash per trial
        }
        continue;
      }
      if (want.test(n.value)) return n.value;
    }
  };

  const died = async (c: Child): Promise<void> => {
    const how = await c.exited;
    if (how !== 'SIGKILL')
      throw new Error(`trial seed ${spec.seed}: the service child exited with ${how}, not by SIGKILL`);
    kills++;
    if (killsLeft > 0) killsLeft--;
  };

  /** A child that has finished its start-up reconciliation (restarting after each death there). */
  const ready = async (): Promise<Child> => {
    for (;;) {
      const c = spawnChild();
      if ((await until(c, /^READY /)) !== null) return c;
      await died(c);
    }
  };

  try {
    let child = await ready();
    for (let cycle = 1; cycle <= spec.cycles; cycle++) {
      // Prices move ±15 % around the start, so the 2 % band trips every cycle and both sides trade.
      sim.setPrice('BTC/USDT', (TRIAL_PRICES.BTC * (0.85 + 0.3 * rand())).toFixed(2));
      sim.setPrice('ETH/USDT', (TRIAL_PRICES.ETH * (0.85 + 0.3 * rand())).toFixed(2));
      if (rand() < 0.5) sim.release(); // orders a delay fault held fill now
      if (cycle === 1 || rand() < 0.4) sim.faults.delayedFill(); // the cycle's first order is held (acked open)
      if (rand() < 0.3) sim.faults.partialFill(0.5);
      offset += STEP_MS;
      child.proc.stdin!.write(`cycle ${offset}\n`);
      const done = await until(child, /^CYCLE /);
      if (done === null) {
        await died(child);
        decisions.push(`${cycle}:killed`);
        child = await ready();
      } else decisions.push(`${cycle}:${done.split(' ')[2]}`);
      if (cycle === Math.ceil(spec.cycles / 2) && done !== null) {
        child.proc.stdin!.write('exit\n'); // a clean restart mid-run: start-up reconciliation sees open orders
        await child.exited;
        child = await ready();
      }
      while (killsLeft > 0 && cycle === spec.cycles) {
        // Random sweep: keep cycling (kills land in start-up, reconciliation or cycles) until all kills happened.
        offset += STEP_MS;
        child.proc.stdin!.write(`cycle ${offset}\n`);
        if ((await until(child, /^CYCLE /)) === null) {
          await died(child);
          child = await ready();
        }
      }
    }
    child.proc.stdin!.write('exit\n');
    await child.exited;
    sim.release(); // every held order fills; the final start-up reconciliation must journal those fills
    offset += STEP_MS;
    const last = await ready();
    last.proc.stdin!.write('exit\n');
    await last.exited;

    const db = new Database(journal, { readonly: true });
    const intents = db
      .prepare('SELECT client_order_id AS cid, side, asset, quantity, state FROM order_intents ORDER BY id')
      .all() as TrialResult['intents'];
    db.close();
    return {
      seed: spec.seed,
      kills,
      spawns,
      hits,
      ...(crashedAt === undefined ? {} : { crashedAt }),
      decisions,
      intents,
      invariants: checkInvariants(sim, journal, TRIAL_BALANCES),
    };
  } finally {
    await sim.stop();
    if (!process.env.TRIAL_DEBUG) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`[seed ${spec.seed}] kept ${dir}\n`);
  }
}
