/**
 * Start-up (and periodic) reconciliation: every unfinished exchange intent is looked up at its venue by
 * client order id and the result journaled, before the service does anything else.
 *   found                → its status (open, partially filled, filled, canceled, rejected), fills recorded
 *   not found, committed → not_placed (sendIntent journals `sent` before every request, so it never left)
 *   not found, sent      → unknown (blocks the portfolio) …
 *   not found, unknown   → not_placed once the rule holds (≥3 misses over ≥ max(recvWindow, 60 s))
 *   lookup failed        → journaled; a sent intent becomes unknown
 * Results are committed in batches (one fsync per `batchSize` intents). That is safe because lookups
 * only read the venue: results lost to a crash are simply looked up again, and a lost miss can only
 * delay the not-placed verdict, never hasten it. One intent's failure (a venue report contradicting the
 * journal) rolls back only that intent and is reported. Chain transactions are resolved by #8's code.
 */

import type { CrashHook } from '../core/orders/crash-points.ts';
import { notPlacedVerdict } from '../core/orders/not-placed-rule.ts';
import type { IntentState } from '../core/orders/order-states.ts';
import type { Clock, OrderState, Venue } from '../core/ports.ts';
import type { LookupWrite } from '../store/orders.ts';
import type { OrderPort, Store } from '../store/ports.ts';

export type VenueSource = Venue | ReadonlyMap<string, Venue>;

export interface ReconcileOptions {
  readonly clock: Clock;
  /** The venue's recvWindow (ms) for the not-placed rule; default 5000 (Binance's default). */
  readonly recvWindowMs?: number;
  /** Lookups in flight at once; default 4 (the venue adapter enforces its own rate limit). */
  readonly concurrency?: number;
  /** Results per commit; default 100. */
  readonly batchSize?: number;
  /** Only this portfolio's intents. */
  readonly portfolioId?: string;
  /** Crash-trial hook: 'reconcile_after_lookup' (result not yet journaled), 'reconcile_after_commit'. */
  readonly hook?: CrashHook;
}

export interface ReconcileItem {
  readonly clientOrderId: string;
  readonly from: IntentState;
  readonly to: IntentState;
  readonly note: string;
}

export interface ReconcileReport {
  readonly checked: number;
  /** Final state → count, over the checked intents. */
  readonly byState: Readonly<Record<string, number>>;
  readonly lookupErrors: number;
  /** Needs a human: the venue forgot an acknowledged order, or contradicted the journal. */
  readonly anomalies: number;
  /** Intents still unknown (the rule is not yet satisfied, or lookups failed). */
  readonly stillUnknown: number;
  /** Earliest time another pass could resolve a still-unknown intent (ms), if any. */
  readonly nextCheckAt?: number;
  readonly items: readonly ReconcileItem[];
}

interface LookupResult {
  readonly cid: string;
  readonly from: IntentState;
  readonly at: number;
  readonly state?: OrderState;
  readonly error?: string;
}

function venueOf(src: VenueSource, name: string): Venue | undefined {
  if (src instanceof Map) return src.get(name);
  const v = src as Venue;
  return v.name === name ? v : undefined;
}

type Then = LookupWrite['transitions'][number];

/**
 * What one lookup result implies (pure): the transitions to journal with it, a note, and the next check time
 * when still unknown. `priorMisses` are the earlier not-found lookups of this intent.
 */
function lookupActions(
  r: LookupResult,
  priorMisses: readonly number[],
  recvWindowMs: number,
): { transitions: Then[]; note: string; anomaly?: true; nextAt?: number } {
  const { from, at, state } = r;
  if (state === undefined) {
    const transitions: Then[] =
      from === 'sent' ? [{ kind: 'unknown', reason: `outcome unknown after restart; lookup failed: ${r.error}` }] : [];
    return { transitions, note: `lookup failed: ${r.error}` };
  }
  if (state.status !== 'not_found')
    return {
      transitions: [
        { kind: 'resolve', outcome: state.status, reason: `reconciled: venue reports ${state.status}`, state },
      ],
      note: `found ${state.status}`,
    };
  if (from === 'committed')
    return {
      transitions: [
        {
          kind: 'resolve',
          outcome: 'not_placed',
          reason: 'reconciled: committed but never sent (not found at the venue)',
        },
      ],
      note: 'never sent',
    };
  if (from === 'open' || from === 'partially_filled')
    return {
      transitions: [],
      note: `venue no longer knows this ${from} order: left as is, check it by hand`,
      anomaly: true,
    };
  const transitions: Then[] =
    from === 'sent' ? [{ kind: 'unknown', reason: 'outcome unknown after restart: not found at first lookup' }] : [];
  const v = notPlacedVerdict([...priorMisses, at], { recvWindowMs });
  if (v.notPlaced) {
    transitions.push({
      kind: 'resolve',
      outcome: 'not_placed',
      reason: `not placed: ${v.lookups} lookups found nothing over ${Math.round(v.spanMs / 1000)} s`,
    });
    return { transitions, note: 'not placed (rule satisfied)' };
  }
  return {
    transitions,
    note: `not found (${v.lookups} lookup(s) over ${Math.round(v.spanMs / 1000)} s of the ${Math.round(v.requiredSpanMs / 1000)} s required)`,
    nextAt: Math.max(v.earliestAt ?? at, at + 1),
  };
}

export async function reconcileUnfinished(
  orders: OrderPort,
  venues: VenueSource,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const recvWindowMs = options.recvWindowMs ?? 5000;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const items: ReconcileItem[] = [];
  let lookupErrors = 0;
  let anomalies = 0;
  let nextCheckAt: number | undefined;
  let pending: LookupResult[] = [];

  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    const planned = await Promise.all(
      batch.map(async (r) => ({
        r,
        ...lookupActions(r, r.state?.status === 'not_found' ? await orders.notFoundTimes(r.cid) : [], recvWindowMs),
      })),
    );
    const results = await orders.recordLookups(
      planned.map((p) => ({
        clientOrderId: p.r.cid,
        at: p.r.at,
        outcome: p.r.state ?? { error: p.r.error ?? 'unknown error' },
        transitions: p.transitions,
      })),
    );
    planned.forEach((p, k) => {
      const res = results[k]!;
      // a failure rolled back this intent only: it keeps its state and is looked up again next time
      const failed = 'error' in res;
      if (p.r.state === undefined) lookupErrors += 1;
      if (failed || p.anomaly === true) anomalies += 1;
      if (!failed && p.nextAt !== undefined)
        nextCheckAt = nextCheckAt === undefined ? p.nextAt : Math.min(nextCheckAt, p.nextAt);
      items.push({
        clientOrderId: p.r.cid,
        from: p.r.from,
        to: failed ? p.r.from : res.state,
        note: failed ? `not recorded: ${res.error}` : p.note,
      });
    });
    options.hook?.('reconcile_after_commit', batch[batch.length - 1]!.cid);
  };

  const queue = await orders.unfinishedIntents(options.portfolioId);
  const worker = async (): Promise<void> => {
    for (let intent = queue.shift(); intent !== undefined; intent = queue.shift()) {
      const venue = venueOf(venues, intent.venue);
      if (venue === undefined) {
        anomalies += 1;
        items.push({
          clientOrderId: intent.clientOrderId,
          from: intent.state,
          to: intent.state,
          note: `no venue named ${intent.venue} is configured: left as is`,
        });
        continue;
      }
      let result: LookupResult;
      try {
        const state = await venue.lookup(intent.clientOrderId, intent.asset, intent.quote);
        result = { cid: intent.clientOrderId, from: intent.state, at: options.clock.now(), state };
      } catch (e) {
        result = {
          cid: intent.clientOrderId,
          from: intent.state,
          at: options.clock.now(),
          error: e instanceof Error ? e.message : String(e),
        };
      }
      pending.push(result);
      options.hook?.('reconcile_after_lookup', intent.clientOrderId);
      if (pending.length >= batchSize) await flush();
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 4, queue.length));
  // No `finally`: if a worker throws (a crash hook, a bug), pending results are dropped exactly as a crash
  // would drop them; they are looked up again next time.
  await Promise.all(Array.from({ length: n }, worker));
  await flush();

  const byState: Record<string, number> = {};
  for (const it of items) byState[it.to] = (byState[it.to] ?? 0) + 1;
  const stillUnknown = byState.unknown ?? 0;
  return {
    checked: items.length,
    byState,
    lookupErrors,
    anomalies,
    stillUnknown,
    ...(nextCheckAt === undefined ? {} : { nextCheckAt }),
    items,
  };
}

/**
 * What the service runs on start, before anything else: reconcile every unfinished intent, then close
 * the cycles a crash left open as 'interrupted'. Returns the reconciliation report.
 */
export async function recoverOnStart(
  store: Store,
  venues: VenueSource,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const report = await reconcileUnfinished(store.orders, venues, options);
  const at = options.clock.now();
  await store.cycles.interruptUnfinished(
    at,
    'the process stopped during this cycle; its orders were reconciled at the next start',
    options.portfolioId,
  );
  await store.meta.set(
    'last_recovery',
    JSON.stringify({ at, checked: report.checked, stillUnknown: report.stillUnknown, anomalies: report.anomalies }),
    at,
  );
  return report;
}
