/**
 * Start-up (and periodic) reconciliation: every unfinished exchange intent is looked up at its venue by
 * client order id and the result journaled, before the service does anything else.
 *   found            → its status (open, partially filled, filled, canceled, rejected), fills recorded
 *   not found, committed → not_placed (markSent precedes every request, so it never left)
 *   not found, sent  → unknown (blocks the portfolio) …
 *   not found, unknown → not_placed once the not-placed rule holds (≥3 misses over ≥ max(recvWindow, 60 s))
 *   lookup failed    → journaled; a sent intent becomes unknown
 * Each intent's lookup and outcome commit together. Chain transactions are resolved by #8's chain code.
 */
import type { Clock, OrderState, Venue } from '../../core/ports.ts';
import type { Journal } from './journal.ts';
import { notPlacedVerdict } from './not-placed-rule.ts';
import type { IntentState } from './order-states.ts';
import type { OrderJournal } from './orders.ts';

export type VenueSource = Venue | ReadonlyMap<string, Venue>;

export interface ReconcileOptions {
  readonly clock: Clock;
  /** The venue's recvWindow (ms) for the not-placed rule; default 5000 (Binance's default). */
  readonly recvWindowMs?: number;
  /** Lookups in flight at once; default 4 (the venue adapter enforces its own rate limit). */
  readonly concurrency?: number;
  /** Only this portfolio's intents. */
  readonly portfolioId?: string;
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
  /** The venue does not know an order the journal saw acknowledged: needs a human. */
  readonly anomalies: number;
  /** Intents still unknown (the rule is not yet satisfied). */
  readonly stillUnknown: number;
  /** Earliest time another pass could resolve a still-unknown intent (ms), if any. */
  readonly nextCheckAt?: number;
  readonly items: readonly ReconcileItem[];
}

function venueOf(src: VenueSource, name: string): Venue | undefined {
  if (src instanceof Map) return src.get(name);
  const v = src as Venue;
  return v.name === name ? v : undefined;
}

export async function reconcileUnfinished(orders: OrderJournal, venues: VenueSource, options: ReconcileOptions): Promise<ReconcileReport> {
  const recvWindowMs = options.recvWindowMs ?? 5000;
  const todo = orders.unfinishedIntents(options.portfolioId);
  const items: ReconcileItem[] = [];
  let lookupErrors = 0;
  let anomalies = 0;
  let nextCheckAt: number | undefined;
  const db = orders.core.db;

  const one = async (cid: string): Promise<void> => {
    const intent = orders.get(cid);
    const from = intent.state;
    const venue = venueOf(venues, intent.venue);
    if (venue === undefined) {
      lookupErrors += 1;
      items.push({ clientOrderId: cid, from, to: from, note: `no venue named ${intent.venue} configured: left as is` });
      return;
    }
    let state: OrderState | undefined;
    let error: string | undefined;
    try {
      state = await venue.lookup(cid, intent.asset, intent.quote);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const at = options.clock.now();
    let note = '';
    db.transaction(() => {
      if (state === undefined) {
        lookupErrors += 1;
        orders.recordLookup(cid, at, { error: error ?? 'unknown error' });
        note = `lookup failed: ${error}`;
        if (from === 'sent') orders.markUnknown(cid, `outcome unknown after restart; ${note}`, at);
        return;
      }
      orders.recordLookup(cid, at, state);
      if (state.status !== 'not_found') {
        orders.resolveIntent(cid, state.status, { reason: `reconciled: venue reports ${state.status}`, at, state });
        note = `found ${state.status}`;
        return;
      }
      if (from === 'committed') {
        orders.resolveIntent(cid, 'not_placed', { reason: 'reconciled: committed but never sent (not found at the venue)', at });
        note = 'never sent';
        return;
      }
      if (from === 'open' || from === 'partially_filled') {
        anomalies += 1;
        note = `venue no longer knows this ${from} order: left as is, check it by hand`;
        return;
      }
      if (from === 'sent') orders.markUnknown(cid, 'outcome unknown after restart: not found at first lookup', at);
      const v = notPlacedVerdict(orders.notFoundTimes(cid), { recvWindowMs });
      if (v.notPlaced) {
        orders.resolveIntent(cid, 'not_placed', { reason: `not placed: ${v.lookups} lookups found nothing over ${Math.round(v.spanMs / 1000)} s`, at });
        note = 'not placed (rule satisfied)';
      } else {
        note = `not found (${v.lookups} lookup(s) over ${Math.round(v.spanMs / 1000)} s of the ${Math.round(v.requiredSpanMs / 1000)} s required)`;
        const next = Math.max(v.earliestAt ?? at, at + 1);
        nextCheckAt = nextCheckAt === undefined ? next : Math.min(nextCheckAt, next);
      }
    }).immediate();
    items.push({ clientOrderId: cid, from, to: orders.get(cid).state, note });
  };

  const queue = todo.map((i) => i.clientOrderId);
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, async () => {
    for (let cid = queue.shift(); cid !== undefined; cid = queue.shift()) await one(cid);
  });
  await Promise.all(workers);

  const byState: Record<string, number> = {};
  for (const it of items) byState[it.to] = (byState[it.to] ?? 0) + 1;
  const stillUnknown = byState.unknown ?? 0;
  return { checked: items.length, byState, lookupErrors, anomalies, stillUnknown, ...(nextCheckAt === undefined ? {} : { nextCheckAt }), items };
}

/**
 * What the service runs on start, before anything else: reconcile every unfinished intent, then close
 * the cycles a crash left open as 'interrupted'. Returns the reconciliation report.
 */
export async function recoverOnStart(journal: Journal, venues: VenueSource, options: ReconcileOptions): Promise<ReconcileReport> {
  const report = await reconcileUnfinished(journal.orders, venues, options);
  const at = options.clock.now();
  journal.transaction(() => {
    for (const c of journal.cycles.unfinished()) {
      if (options.portfolioId !== undefined && c.portfolioId !== options.portfolioId) continue;
      journal.cycles.finish({ portfolioId: c.portfolioId, cycle: c.cycle, decision: 'interrupted', reason: 'the process stopped during this cycle; its orders were reconciled at the next start', at });
    }
    journal.meta.set('last_recovery', JSON.stringify({ at, checked: report.checked, stillUnknown: report.stillUnknown, anomalies: report.anomalies }), at);
  });
  return report;
}
