/** In-process harness for the fault matrix and the unknown-order rule: a simulator, a service on it, a hand clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Service } from '../../src/service/service.ts';
import { checkInvariants, type InvariantReport } from '../../src/service/trials/invariants.ts';
import { TRIAL_BALANCES, trialService, trialSimOptions, writeKeyFile } from '../../src/service/trials/setup.ts';
import { type SimHandle, start } from '../../src/venues/simulator/server.ts';

export interface Harness {
  readonly sim: SimHandle;
  readonly clock: { t: number };
  svc: Service;
  /** Stops the service and starts it again on the same journal (start-up reconciliation runs). */
  restart(): Promise<Service>;
  /** Order events (reason trail) of one client order id. */
  events(cid: string): { from_state: string | null; to_state: string; reason: string | null }[];
  /** Restarts once more (reconciling everything), then checks the trial invariants. */
  finish(): Promise<InvariantReport>;
  close(): Promise<void>;
}

export async function harness(o: { timeoutMs?: number; recvWindowMs?: number } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'ballast-faults-'));
  const sim = await start(trialSimOptions());
  const journal = join(dir, 'journal.sqlite');
  const config = trialService({ journal, url: sim.url, keyFile: writeKeyFile(dir), ...o });
  const clock = { t: Date.now() };
  const boot = () => Service.start(config, { now: () => clock.t, strictGuards: false, journalId: 'faults' });
  let stopped = false;
  const h: Harness = {
    sim,
    clock,
    svc: await boot(),
    async restart() {
      await h.svc.stop();
      h.svc = await boot();
      return h.svc;
    },
    events(cid) {
      const db = new Database(journal, { readonly: true });
      try {
        return db
          .prepare(
            `SELECT e.from_state, e.to_state, e.reason FROM order_events e JOIN order_intents i ON i.id = e.intent_id
              WHERE i.client_order_id = ? ORDER BY e.id`,
          )
          .all(cid) as ReturnType<Harness['events']>;
      } finally {
        db.close();
      }
    },
    async finish() {
      sim.release();
      await h.restart();
      await h.svc.stop();
      stopped = true;
      return checkInvariants(sim, journal, TRIAL_BALANCES);
    },
    async close() {
      if (!stopped) await h.svc.stop().catch(() => undefined);
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
