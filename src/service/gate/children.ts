/**
 * One plan trade as child orders (issue #14): `orderType: limit` (limit at the touch, re-pegged, canceled
 * or sent at market at the timeout) and `maxChunkNotional` (equal chunks), run by the execution strategies
 * of src/venues/ccxt/execution.ts. The gate stays the only path that sends: every child is committed as its
 * own intent (same leg, child 0, 1, 2 …, so its own deterministic client order id) and sent through
 * `sendIntent` (sent journaled before the request leaves, never twice); every state the strategy learns
 * by lookup or cancel is journaled too.
 *
 * Crash safety: a crash between two children leaves the sent ones in the journal; start-up recovery looks
 * each up (fills recorded), a resting child is canceled by the next cycle (cancelLeftovers), and that cycle
 * re-plans the remainder from fresh balances with new client ids. Nothing resumes a half-done execution
 * from memory, and no journaled child is ever sent again (the rule of docs/journal.md: after a crash the
 * next cycle re-plans).
 */

import { BallastError } from '../../core/errors.ts';
import {
  type Clock,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  type OrderRequest,
  type OrderState,
} from '../../core/ports.ts';
import { sendIntent } from '../../orders/index.ts';
import type { Store } from '../../store/ports.ts';
import { type ExecutionReport, execute } from '../../venues/ccxt/execution.ts';
import type { TradingVenue } from '../../venues/ccxt/execution-types.ts';
import { type ExecutionSettings, strategyOf } from '../../venues/execution-config.ts';
import type { ServiceCrashHook } from './send-orders.ts';

/** A venue the strategies can drive: touch and lot precision besides the Venue port. */
export function isTradingVenue(v: object): v is TradingVenue {
  const t = v as Partial<TradingVenue>;
  return typeof t.touch === 'function' && typeof t.quantityToPrecision === 'function';
}

/** True when the config asks for more than one market order per trade. */
export function usesChildren(s: ExecutionSettings | undefined): boolean {
  return s !== undefined && (s.orderType === 'limit' || s.maxChunkNotional !== undefined);
}

export interface ChildTrade {
  readonly portfolioId: string;
  readonly cycle: number;
  readonly leg: number;
  readonly asset: string;
  readonly quote: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly referencePrice: number;
}

/** `v` with some methods replaced; the rest call through to `v` (its own `this`). */
function override(v: TradingVenue, o: Partial<TradingVenue>): TradingVenue {
  return {
    name: v.name,
    balances: () => v.balances(),
    prices: (a, q) => v.prices(a, q),
    rules: (a, q) => v.rules(a, q),
    place: (r) => v.place(r),
    lookup: (id, a, q) => v.lookup(id, a, q),
    cancel: (id, a, q) => v.cancel(id, a, q),
    touch: (a, q) => v.touch(a, q),
    quantityToPrecision: (a, q, n) => v.quantityToPrecision(a, q, n),
    ...o,
  };
}

/** Journals what a lookup or cancel of a child taught (fills, state); the venue's answer passes through. */
function journaling(venue: TradingVenue, journal: Store, clock: Clock): TradingVenue {
  const record = async (s: OrderState): Promise<OrderState> => {
    if (s.status !== 'not_found') await journal.orders.recordAck(s.clientOrderId, s, clock.now());
    return s;
  };
  return override(venue, {
    lookup: async (id, asset, quote) => record(await venue.lookup(id, asset, quote)),
    cancel: async (id, asset, quote) => record(await venue.cancel(id, asset, quote)),
  });
}

/**
 * Resting limit children an earlier process left open (it crashed mid-execution): canceled and journaled
 * before the cycle plans, so the re-planned remainder never trades beside a forgotten order.
 */
export async function cancelLeftovers(
  journal: Store,
  venue: { cancel: TradingVenue['cancel'] },
  portfolioId: string,
  clock: Clock,
): Promise<number> {
  let n = 0;
  for (const i of await journal.orders.unfinishedIntents(portfolioId)) {
    if (i.kind !== 'order' || i.orderType !== 'limit' || (i.state !== 'open' && i.state !== 'partially_filled'))
      continue;
    const s = await venue.cancel(i.clientOrderId, i.asset, i.quote);
    if (s.status !== 'not_found') await journal.orders.recordAck(i.clientOrderId, s, clock.now());
    n++;
  }
  return n;
}

/** Runs one trade as child orders; each child is committed, then sent through sendIntent. */
export async function executeChildren(args: {
  journal: Store;
  venue: TradingVenue;
  trade: ChildTrade;
  settings: ExecutionSettings;
  clock: Clock;
  crashHook?: ServiceCrashHook;
}): Promise<ExecutionReport> {
  const { journal, venue, trade: t, clock } = args;
  const answers = new Map<string, OrderState>();
  // The venue sendIntent talks to: keeps the full answer (fills) the strategy reads back.
  const capturing = override(venue, {
    place: async (o) => {
      const s = await venue.place(o);
      answers.set(o.clientOrderId, s);
      return s;
    },
  });
  const send = async (order: OrderRequest, child: number): Promise<OrderState> => {
    const intent = await journal.orders.commitIntent({
      portfolioId: t.portfolioId,
      cycle: t.cycle,
      leg: t.leg,
      child,
      venue: venue.name,
      asset: order.asset,
      quote: order.quote,
      side: order.side,
      quantity: order.quantity,
      orderType: order.type,
      ...(order.limitPrice === undefined ? {} : { limitPrice: order.limitPrice }),
      referencePrice: order.referencePrice,
      at: clock.now(),
    });
    args.crashHook?.('after_intent_committed', intent.clientOrderId);
    const out = await sendIntent(journal.orders, capturing, intent.clientOrderId, clock, args.crashHook);
    if (out.state === 'rejected') throw new OrderRejectedError(out.clientOrderId, out.reason ?? 'rejected');
    if (out.state === 'unknown')
      throw new OrderOutcomeUnknownError(
        out.clientOrderId,
        new BallastError(out.reason ?? 'send outcome unknown', { next: 'lookup' }),
      );
    const s = answers.get(out.clientOrderId);
    if (s === undefined)
      throw new OrderOutcomeUnknownError(out.clientOrderId, new BallastError('no answer kept', { next: 'lookup' }));
    return s;
  };
  return execute(
    journaling(venue, journal, clock),
    { asset: t.asset, quote: t.quote, side: t.side, quantity: t.quantity, referencePrice: t.referencePrice },
    {
      strategy: strategyOf(args.settings),
      ...(args.settings.maxChunkNotional === undefined ? {} : { maxChunkNotional: args.settings.maxChunkNotional }),
      childId: (n) => journal.orders.clientOrderIdFor(t.portfolioId, t.cycle, t.leg, n),
      send,
      now: () => clock.now(),
    },
  );
}
