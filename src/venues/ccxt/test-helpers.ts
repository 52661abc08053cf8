/** Test helpers: a simulator and a ccxt venue pointed at it (never used by production code). */
import type { Clock } from '../../core/ports.ts';
import { type SimHandle, type StartOptions, start } from '../simulator/server.ts';
import { createExchange } from './exchange.ts';
import { CcxtVenue } from './venue.ts';

/** The wall clock, for tests (production code gets the service's clock injected). */
export const wallClock: Clock = { now: () => Date.now() };

export interface Rig {
  readonly sim: SimHandle;
  readonly venue: CcxtVenue;
  stop(): Promise<void>;
}

export async function rig(opts: StartOptions = {}, venue: { timeoutMs?: number; secret?: string } = {}): Promise<Rig> {
  const sim = await start(opts);
  const ex = createExchange({
    exchange: 'binance',
    simulatorUrl: sim.url,
    credentials: { apiKey: sim.apiKey, secret: venue.secret ?? sim.secret },
    timeoutMs: venue.timeoutMs ?? 1500,
  });
  const v = new CcxtVenue(ex, { name: 'binance-sim', retry: { attempts: 3, baseDelayMs: 20 }, clock: wallClock });
  return {
    sim,
    venue: v,
    stop: async () => {
      await v.close();
      await sim.stop();
    },
  };
}

/** Asserts the protocol's core invariant: no client order id was ever sent twice. */
export function maxCreatesPerId(sim: SimHandle): number {
  const counts = new Map<string, number>();
  for (const c of sim.createRequests()) counts.set(c.clientOrderId ?? '', (counts.get(c.clientOrderId ?? '') ?? 0) + 1);
  return Math.max(0, ...counts.values());
}
